/**
 * The catalogue and reference data the portal serves, from @dvc-kit/spec's reference data
 * (procedures, provincial committees, ministries, provinces as of a date).
 */
import { allProvinces, ministries as referenceMinistries, procedures as referenceProcedures, provincialAgencies } from '@dvc-kit/spec';
import type { Agency, NationalPortal, Procedure } from '@dvc-kit/spec';

type Province = NationalPortal.components['schemas']['Province'];
type Ministry = NationalPortal.components['schemas']['Ministry'];
type RefProcedure = (typeof referenceProcedures)[number];

function vietnamDay(at: Date | string | undefined): string {
  if (typeof at === 'string') return at;
  return new Date((at ?? new Date()).getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

function inForce(r: { validFrom: string | null; validTo: string | null }, day: string): boolean {
  return (r.validFrom === null || r.validFrom <= day) && (r.validTo === null || day <= r.validTo);
}

function toProcedure(p: RefProcedure): Procedure {
  const out: Procedure = {
    MaTTHC: p.MaTTHC,
    TenTTHC: p.TenTTHC,
    MaLinhVuc: p.MaLinhVuc,
    TenLinhVuc: p.TenLinhVuc,
    MucDo: p.onlineLevel,
    CapThucHien: [p.agencyLevel],
    ThoiHanGiaiQuyet: p.processingDays,
    KhongPhuThuocDiaGioi: p.allowsCrossLocality,
    NgayCapNhat: '20250701000000',
  };
  if (p.ministryCode) out.CoQuanBanHanh = `000.00.00.${p.ministryCode}`;
  if (p.fees && p.fees.length > 0) out.PhiLePhi = p.fees.map((f) => ({ ...f }));
  return out;
}

/** Procedures, agencies and reference data as the portal publishes them. */
export class Catalogue {
  readonly procedures: Procedure[];
  private readonly byCode: Map<string, Procedure>;
  private readonly agencyRecords: Agency[];

  constructor() {
    const refs = referenceProcedures;
    this.procedures = refs.map(toProcedure).sort((a, b) => (a.MaTTHC < b.MaTTHC ? -1 : 1));
    this.byCode = new Map(this.procedures.map((p) => [p.MaTTHC, p]));
    const committees = provincialAgencies;
    const ministries = referenceMinistries;
    const agencies: Agency[] = [];
    for (const c of committees) {
      const a: Agency = { code: c.agencyCode, name: c.name, kind: 'province', provinceCode: c.provinceCode, validFrom: c.validFrom, validTo: c.validTo };
      // A merged province's committee resolves to the committee of the province that absorbed it (DVC-REF-002).
      const successor = c.successorProvinceCode !== c.provinceCode ? committees.find((o) => o.provinceCode === c.successorProvinceCode) : undefined;
      if (successor) a.successorCode = successor.agencyCode;
      agencies.push(a);
    }
    for (const m of ministries) {
      const a: Agency = { code: m.agencyCode, name: m.name, kind: m.kind === 'ministry' ? 'ministry' : 'ministry-level-agency', validFrom: m.validFrom, validTo: m.validTo };
      if (m.successorCode) a.successorCode = `000.00.00.${m.successorCode}`;
      agencies.push(a);
    }
    this.agencyRecords = agencies.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : (a.validFrom ?? '') < (b.validFrom ?? '') ? -1 : 1));
  }

  /** Whether a procedure code (national, or with a local agency suffix) is in the catalogue. */
  hasProcedure(MaTTHC: string): boolean {
    return this.byCode.has(MaTTHC.slice(0, 8));
  }

  procedure(MaTTHC: string): Procedure | undefined {
    return this.byCode.get(MaTTHC.slice(0, 8));
  }

  /** Procedures performed by the agency (its level of government, or named in CoQuanThucHien). */
  proceduresFor(filter: { agency?: string | null; level?: string | null; updatedSince?: string | null }): Procedure[] {
    const since = filter.updatedSince ? Date.parse(filter.updatedSince) : undefined;
    return this.procedures.filter((p) => {
      if (filter.level && p.MucDo !== filter.level) return false;
      if (filter.agency) {
        const top = filter.agency.slice(-3);
        const owner = p.CoQuanBanHanh?.slice(-3);
        const local = top.startsWith('H') && p.CapThucHien.some((c) => c !== 'ministry');
        if (!(owner === top || local)) return false;
      }
      if (since !== undefined && p.NgayCapNhat) {
        const d = p.NgayCapNhat;
        const at = Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}+07:00`);
        if (at < since) return false;
      }
      return true;
    });
  }

  agencies(asOf?: string, kind?: string | null): Agency[] {
    const day = vietnamDay(asOf);
    return this.agencyRecords.filter((a) => inForce(a, day) && (!kind || a.kind === kind));
  }

  /** The agency record for a code on a date: the one in force, else the last one before it (with its successor). */
  agency(code: string, asOf?: string): Agency | undefined {
    const day = vietnamDay(asOf);
    const records = this.agencyRecords.filter((a) => a.code === code && (a.validFrom === null || a.validFrom <= day));
    return records.find((a) => inForce(a, day)) ?? records[records.length - 1];
  }

  provinces(asOf?: string): Province[] {
    const list = allProvinces;
    const day = vietnamDay(asOf);
    return list.filter((p) => inForce(p, day)).map((p) => {
      const out: Province = { code: p.code, name: p.name, fullName: p.fullName, type: p.type, validFrom: p.validFrom, validTo: p.validTo };
      if (p.successorCode) out.successorCode = p.successorCode;
      if (p.citizenIdCode) out.citizenIdCode = p.citizenIdCode;
      if (p.mergedFrom) out.mergedFrom = [...p.mergedFrom];
      return out;
    });
  }

  ministries(asOf?: string): Ministry[] {
    const list = referenceMinistries;
    const day = vietnamDay(asOf);
    return list.filter((m) => inForce(m, day)).map((m) => {
      const out: Ministry = { code: m.agencyCode, name: m.name, nameEn: m.nameEn, kind: m.kind === 'ministry' ? 'ministry' : 'ministry-level-agency', validFrom: m.validFrom, validTo: m.validTo };
      if (m.successorCode) out.successorCode = `000.00.00.${m.successorCode}`;
      return out;
    });
  }
}
