import { randomUUID } from 'node:crypto';
import { signMessage } from '@dvc-kit/signature';
import { MARK, systemToken } from './counterpart.js';
import { check, isProblem, pickProcedure, portalRecord, receive, type Check, type Ctx } from './support.js';

const REF = ['DVC-REF-002'];

interface Agency {
  code?: string;
  name?: string;
  provinceCode?: string;
  successorCode?: string;
}
/** Hà Giang's province agency, merged into Tuyên Quang (province code 08) on 2025-07-01. */
const MERGED_AGENCY = '000.00.00.H22';
/** A day before the 2025 provincial mergers, as a dossier code writes it (yyMMdd). */
const BEFORE_MERGER = '250615';

export const referenceDataChecks: Check[] = [
  check({
    id: 'counterpart.merged-unit-codes',
    title: "Counterpart: the suite's portal accepts a dossier coded before the merger and resolves a merged unit to its successor",
    area: 'reference-data',
    requirements: REF,
    counterpart: true,
    run: async (ctx: Ctx) => {
      const c = ctx.env.portal.credentials;
      const token = await systemToken(ctx, ctx.env.scope.binding === 'dvcqg' ? 'catalogue.read' : 'dossiers.write dossiers.read catalogue.read');
      const headers = { authorization: `Bearer ${token}`, ...MARK };
      const received = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const template = await portalRecord(ctx, received.MaHoSo, () => true);
      if (!template) ctx.inconclusive(`the system did not sync dossier ${received.MaHoSo} to the portal, so there is no dossier of its agency to copy`);
      // A dossier of the system's own agency received before the merger, under its code of then.
      const MaHoSo = `${c.agencyCode}-${BEFORE_MERGER}-${ctx.random.digits(4)}`;
      const { GhiChu: _note, DanhSachHoSoBoSung: _requests, NgayKetThucXuLy: _ended, NgayTra: _returned, ...rest } = template.dossier;
      const dossier = { ...rest, MaHoSo, TrangThaiHoSo: '2', NgayTiepNhan: `20${BEFORE_MERGER}083000`, NgayHenTra: '20250620170000' };
      if (ctx.env.scope.binding === 'dvcqg') {
        // The dvcqg binding writes dossiers with DongBoHoSoMC, under the system's gateway account.
        const login = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/login`, headers: MARK, body: { username: c.dvcqgUsername, password: c.dvcqgPassword }, label: 'dvcqgLogin' });
        const session = (login.json as { session?: string } | undefined)?.session;
        if (!session) ctx.inconclusive(`the suite could not log in to its portal's dvcqg gateway (${login.status} ${login.text.slice(0, 160)})`);
        const sync = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/integration`, headers: MARK, body: { session, madonvi: c.agencyCode, service: 'DongBoHoSoMC', isUpdating: 'False', data: [dossier] }, label: 'DongBoHoSoMC of a dossier coded before 2025-07-01' });
        const item = ((sync.json as { result?: { MaHoSo?: string; error_code?: string }[] } | undefined)?.result ?? []).find((r) => r.MaHoSo === MaHoSo);
        ctx.verify(sync.status === 200 && ['0', '00'].includes(String(item?.error_code)), { requirements: REF, message: "A dossier of the system's agency whose code is dated before the merger (2025-07-01) is accepted by DongBoHoSoMC", expected: 'error_code "0" for the dossier', found: `${sync.status} ${sync.text.slice(0, 200)}`, response: sync });
      } else {
        const signature = await signMessage(dossier, { privateKey: c.privateKeyPem!, certificates: c.chainPem! });
        const put = await ctx.send({ method: 'PUT', url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: { ...headers, 'x-dvc-signature': signature, 'idempotency-key': randomUUID() }, body: dossier, label: 'upsertDossier of a dossier coded before 2025-07-01' });
        ctx.verify(put.status === 201 || put.status === 200, { requirements: REF, message: "A dossier of the system's agency whose code is dated before the merger (2025-07-01) is accepted", expected: '201 (or 200)', found: `${put.status} ${put.text.slice(0, 200)}`, response: put });
      }

      const agency = await ctx.send({ url: `${ctx.env.portal.url}/v1/agencies/${encodeURIComponent(MERGED_AGENCY)}?asOf=2025-07-01`, headers, label: `getAgency ${MERGED_AGENCY} as of 2025-07-01` });
      const merged = (agency.json ?? {}) as Agency;
      ctx.require(agency.status === 200 && typeof merged.successorCode === 'string', { requirements: REF, message: `getAgency ${MERGED_AGENCY} (Hà Giang) as of 2025-07-01 names the unit that succeeded it (successorCode)`, expected: '200 { successorCode }', found: `${agency.status} ${agency.text.slice(0, 200)}`, response: agency });
      const next = await ctx.send({ url: `${ctx.env.portal.url}/v1/agencies/${encodeURIComponent(merged.successorCode)}?asOf=2025-07-01`, headers, label: `getAgency ${merged.successorCode} (the successor) as of 2025-07-01` });
      const successor = (next.json ?? {}) as Agency;
      ctx.verify(next.status === 200 && successor.provinceCode === '08' && /Tuyên Quang/i.test(successor.name ?? ''), { requirements: REF, message: 'The successor is the province of Tuyên Quang (08)', expected: "{ provinceCode: '08', name: '… Tuyên Quang' }", found: `${next.status} ${next.text.slice(0, 200)}`, response: next });
    },
  }),
  check({
    id: 'lookup-public.pre-merger-codes',
    title: 'Dossier codes made before the 2025 mergers are accepted as codes: unknown ones answer 404, never 400',
    area: 'reference-data',
    requirements: REF,
    run: async (ctx: Ctx) => {
      const codes = [
        { code: `${MERGED_AGENCY}-${BEFORE_MERGER}-${ctx.random.digits(4)}`, what: 'a merged unit (Hà Giang, H22)' },
        { code: `${ctx.env.portal.agencyCode}-${BEFORE_MERGER}-${ctx.random.digits(4)}`, what: "the system's own agency" },
      ];
      for (const { code, what } of codes) {
        const res = await ctx.send({ url: `${ctx.env.target}/v1/public/dossiers/${encodeURIComponent(code)}`, label: `lookupDossierPublic of a pre-merger code of ${what}` });
        ctx.verify(res.status === 404 && isProblem(res), {
          requirements: REF,
          message: `A well-formed dossier code of ${what} dated before 2025-07-01 is taken as a code (unknown: 404 problem+json), not refused as invalid`,
          expected: '404 application/problem+json',
          found: `${res.status} ${res.headers['content-type'] ?? ''} ${res.text.slice(0, 160)}`,
          response: res,
        });
      }
    },
  }),
];
