import { citizenLookup, forwardFeedback, watchFeedback } from './feedback.js';
import { check, citizen, isProblem, pickProcedure, receive, syncedAt, verifyProblem, type Check, type Ctx } from './support.js';

const PUBLIC_FIELDS = new Set(['MaHoSo', 'TrangThaiHoSo', 'DaHoanThanh', 'TenTTHC', 'NgayTiepNhan', 'NgayHenTra', 'NgayKetThucXuLy', 'NgayTra']);

export const lookupChecks: Check[] = [
  check({
    id: 'lookup-public.code-and-status-only',
    title: 'The public lookup answers the code and completion status, and nothing about the owner',
    area: 'lookup-public',
    requirements: ['DVC-LKP-001', 'DVC-LKP-002', 'DVC-SYNC-003'],
    run: async (ctx: Ctx) => {
      const owner = citizen(ctx);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const res = await ctx.send({ url: `${ctx.env.target}/v1/public/dossiers/${encodeURIComponent(MaHoSo)}`, label: 'lookupDossierPublic without authentication' });
      ctx.require(res.status === 200, { requirements: ['DVC-LKP-001'], message: 'The public lookup of an existing dossier answers 200 without authentication', expected: 200, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const body = res.json as Record<string, unknown>;
      ctx.verify(body.MaHoSo === MaHoSo && typeof body.TrangThaiHoSo === 'string', { requirements: ['DVC-LKP-001'], message: 'It gives the dossier code and status', expected: `{ MaHoSo: ${MaHoSo}, TrangThaiHoSo }`, found: JSON.stringify(body).slice(0, 200), response: res });
      ctx.verify(/^(10|[1-9])$/.test(String(body.TrangThaiHoSo)), { requirements: ['DVC-SYNC-003'], message: 'The status is one of the 10 codes', expected: '1–10', found: body.TrangThaiHoSo, response: res });
      const extra = Object.keys(body).filter((k) => !PUBLIC_FIELDS.has(k));
      ctx.verify(extra.length === 0, { requirements: ['DVC-LKP-002'], message: 'The public answer holds only the code, procedure name, status and completion dates', expected: [...PUBLIC_FIELDS].join(', '), found: extra.length ? `also ${extra.join(', ')}` : 'only those', response: res });
      const leaked = [owner.HoVaTen, owner.SoDinhDanh, owner.SoDienThoai].filter((v): v is string => !!v && res.text.includes(v));
      ctx.verify(leaked.length === 0, { requirements: ['DVC-LKP-002'], message: "The public answer contains none of the owner's data (name, ID, phone)", expected: 'no owner data', found: leaked.length ? `${leaked.length} owner value(s) present` : 'none', response: res });
    },
  }),
  check({
    id: 'lookup-public.unknown-code',
    title: 'The public lookup of an unknown code answers 404 problem+json; a malformed one 400 or 404',
    area: 'lookup-public',
    requirements: ['DVC-LKP-003', 'DVC-ERR-001'],
    run: async (ctx: Ctx) => {
      const unknown = `${ctx.env.portal.agencyCode}-200101-${ctx.random.digits(4)}`;
      const res = await ctx.send({ url: `${ctx.env.target}/v1/public/dossiers/${encodeURIComponent(unknown)}`, label: 'lookupDossierPublic of a code never issued' });
      ctx.verify(res.status === 404, { requirements: ['DVC-LKP-003'], message: 'An unknown dossier code answers 404', expected: 404, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      if (res.status >= 400) verifyProblem(ctx, res, 'public lookup of an unknown code');
      const bad = await ctx.send({ url: `${ctx.env.target}/v1/public/dossiers/not-a-code`, label: 'lookupDossierPublic of a malformed code' });
      ctx.verify(bad.status === 400 || bad.status === 404, { requirements: ['DVC-LKP-003'], message: 'A malformed code answers 400 or 404', expected: '400 or 404', found: bad.status, response: bad });
      if (bad.status >= 400) verifyProblem(ctx, bad, 'public lookup of a malformed code');
    },
  }),
  check({
    id: 'lookup-auth.owner-sees-details',
    title: "The owner's authenticated lookup shows the handling unit, history and submitted files",
    area: 'lookup-auth',
    requirements: ['DVC-LKA-001', 'DVC-LKA-004', 'DVC-SYNC-003'],
    run: async (ctx: Ctx) => {
      const owner = citizen(ctx);
      const { MaHoSo, submission } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await syncedAt(ctx, MaHoSo, ['4', '5', '6', '9', '10']);
      const res = await citizenLookup(ctx, MaHoSo, await ctx.env.portal.citizenToken(owner), "lookupDossier with the owner's citizen token");
      ctx.require(res.status === 200, { requirements: ['DVC-LKA-001'], message: 'The owner gets the dossier', expected: 200, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const view = res.json as { dossier?: Record<string, unknown>; history?: Record<string, unknown>[]; feedback?: unknown[] };
      ctx.verify(!!view.dossier && typeof view.dossier.DonViXuLy === 'string', { requirements: ['DVC-LKA-001'], message: 'The answer names the unit handling the dossier (DonViXuLy)', expected: 'dossier.DonViXuLy', found: view.dossier?.DonViXuLy ?? 'missing', response: res });
      ctx.verify(Array.isArray(view.history) && view.history.length >= 2 && view.history.some((s) => typeof s.PhongBanXuLy === 'string'), { requirements: ['DVC-LKA-001'], message: 'The answer has the processing history, down to the department (PhongBanXuLy)', expected: '≥ 2 steps, one with PhongBanXuLy', found: `${view.history?.length ?? 0} step(s)`, response: res });
      const files = (view.dossier?.TaiLieuNop ?? []) as { TepDinhKemId?: string }[];
      const sent = submission.TaiLieuNop?.[0]?.TepDinhKemId;
      ctx.verify(files.some((f) => f.TepDinhKemId === sent), { requirements: ['DVC-LKA-004'], message: 'The answer shows the files the user submitted', expected: `TaiLieuNop with ${sent}`, found: JSON.stringify(files).slice(0, 200), response: res });
      ctx.verify(String(view.dossier?.TrangThaiHoSo ?? '').match(/^(10|[1-9])$/) !== null, { requirements: ['DVC-SYNC-003'], message: 'The status is one of the 10 codes', expected: '1–10', found: view.dossier?.TrangThaiHoSo, response: res });
    },
  }),
  check({
    id: 'lookup-auth.other-citizen-not-found',
    title: "Another citizen's token gets 404 for the dossier, never its content",
    area: 'lookup-auth',
    requirements: ['DVC-LKA-002'],
    run: async (ctx: Ctx) => {
      const owner = citizen(ctx, 0);
      const stranger = citizen(ctx, 1);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), owner });
      const res = await citizenLookup(ctx, MaHoSo, await ctx.env.portal.citizenToken(stranger), "lookupDossier with another citizen's token");
      ctx.verify(res.status === 404, { message: "Another citizen's lookup answers 404", expected: 404, found: res.status, response: res });
      ctx.verify(!(owner.HoVaTen && res.text.includes(owner.HoVaTen)) && !res.text.includes(owner.SoDinhDanh!), { message: "The answer reveals nothing of the owner's dossier", expected: 'no owner data', found: res.status === 200 ? 'the full dossier' : 'nothing', response: res });
    },
  }),
  check({
    id: 'lookup-auth.token-required',
    title: 'The authenticated lookup needs a valid citizen token (401 otherwise)',
    area: 'lookup-auth',
    requirements: ['DVC-LKA-003', 'DVC-AUTH-005'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const none = await citizenLookup(ctx, MaHoSo, null, 'lookupDossier without a token');
      ctx.verify(none.status === 401, { requirements: ['DVC-LKA-003'], message: 'Without a token: 401', expected: 401, found: none.status, response: none });
      const forged = await ctx.env.portal.systemToken({ foreignKey: await ctx.env.portal.foreignKey(), extraClaims: { SoDinhDanh: citizen(ctx).SoDinhDanh } });
      const bad = await citizenLookup(ctx, MaHoSo, forged, 'lookupDossier with a citizen token signed outside the JWKS');
      ctx.verify(bad.status === 401, { requirements: ['DVC-LKA-003', 'DVC-AUTH-005'], message: 'A forged citizen token: 401', expected: 401, found: bad.status, response: bad });
      const expired = await ctx.env.portal.systemToken({ expiresIn: -120, extraClaims: { SoDinhDanh: citizen(ctx).SoDinhDanh } });
      const old = await citizenLookup(ctx, MaHoSo, expired, 'lookupDossier with an expired citizen token');
      ctx.verify(old.status === 401, { requirements: ['DVC-LKA-003', 'DVC-AUTH-005'], message: 'An expired citizen token: 401', expected: 401, found: old.status, response: old });
      for (const r of [none, bad, old]) if (r.status === 401) ctx.verify(isProblem(r), { requirements: ['DVC-ERR-001'], message: 'The 401 is problem+json', expected: 'application/problem+json', found: r.headers['content-type'], response: r });
    },
  }),
  check({
    id: 'lookup-auth.feedback-shown',
    title: 'Feedback about a dossier is received and its handling shown in the authenticated lookup',
    area: 'feedback',
    requirements: ['DVC-FBK-001', 'DVC-LKA-004', 'DVC-FBK-002'],
    run: async (ctx: Ctx) => {
      const owner = citizen(ctx);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const { feedback, response: res } = await forwardFeedback(ctx, { MaHoSo, owner });
      const { MaPhanAnh } = feedback;
      ctx.require(res.status === 202 || res.status === 201 || res.status === 200, { requirements: ['DVC-FBK-001'], message: 'Feedback forwarded by the portal is accepted', expected: 202, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const token = await ctx.env.portal.citizenToken(owner);
      const { last, item } = await watchFeedback(ctx, { MaHoSo, MaPhanAnh, token, until: (f) => f.TraLoi !== undefined });
      const listed = item !== undefined;
      const answered = item?.TraLoi !== undefined;
      ctx.verify(listed, { requirements: ['DVC-LKA-004'], message: 'The authenticated lookup lists the feedback about the dossier', expected: `feedback[] with ${MaPhanAnh}`, found: last?.text.slice(0, 200), ...(last ? { response: last } : {}) });
      ctx.verify(answered, { requirements: ['DVC-FBK-002'], message: "The feedback's answer is shown to the sender through the authenticated lookup", expected: 'feedback[].TraLoi', found: listed ? 'listed, not answered within the deadline' : 'not listed', ...(last ? { response: last } : {}) });
    },
  }),
];
