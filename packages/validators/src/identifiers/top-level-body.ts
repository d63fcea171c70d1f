/** A top-level body (`H56`, `G09`) as the reference data knows it on a date. */
export interface TopLevelBody {
  /** The last group of the agency code (`H56`). */
  code: string;
  name: string;
  /** Whether the body is in force on the date asked about. */
  inForce: boolean;
  /** For a body no longer in force: the unit in force on that date that took over its functions. */
  successor?: { code: string; name: string };
}

/** The shape of the spec's `AgencyResolution` that matters here. */
interface Resolution {
  inForce: boolean;
  agency?: { name: string };
  ministry?: { name: string };
  province?: { name: string };
  successor?: { province?: { code: string; name: string }; ministry?: { code: string; name: string } };
}

/** A spec resolution as a TopLevelBody (used at build time). */
export function lookupFromResolution(top: string, r: Resolution | undefined): TopLevelBody | null {
  if (!r) return null;
  const name = r.agency?.name ?? r.ministry?.name ?? r.province?.name;
  if (!name) return null;
  const body: TopLevelBody = { code: top, name, inForce: r.inForce };
  const next = r.successor?.province ?? r.successor?.ministry;
  if (!r.inForce && next) body.successor = { code: next.code, name: next.name };
  return body;
}
