import { dvcqgSession } from '@dvc-kit/auth';
import type { Procedure } from '@dvc-kit/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDvcqgGateway, type DvcqgGateway } from '../test/dvcqg-gateway.js';
import { countingBearerProvider, dossierSource, makeDossier } from '../test/fixtures.js';
import { toPortalDateTime } from './dvcqg.js';
import { ApiError, ConfigError, UnsupportedInBindingError } from './errors.js';
import { createNationalPortalClient, type NationalPortalClient, type NationalPortalClientOptions } from './national-portal-client.js';

let gw: DvcqgGateway;
let client: NationalPortalClient;

const procedures: Procedure[] = Array.from({ length: 7 }, (_, i) => ({
  MaTTHC: `1.00${String(1600 + i)}`,
  TenTTHC: `Thủ tục ${i}`,
  MucDo: i % 2 === 0 ? 'full' : 'partial',
  CapThucHien: ['commune'],
}));

function make(extra: Partial<NationalPortalClientOptions> = {}): NationalPortalClient {
  return createNationalPortalClient({
    baseUrl: gw.url,
    binding: 'dvcqg',
    auth: dvcqgSession({ loginUrl: `${gw.url}/dvcqg/login`, username: 'thanhhoa-motcua', password: 'S3cret-Example!' }),
    dvcqg: { agencyCode: '000.00.00.H56', dstcode: 'H56' },
    retries: { maxRetries: 2, baseDelayMs: 1 },
    ...extra,
  });
}

beforeEach(async () => {
  gw = await startDvcqgGateway({ procedures });
  client = make();
});
afterEach(async () => {
  await client.close();
  await gw.close();
});

const step = (MaHoSo: string, TrangThai: '4' | '9' | '10') => ({ MaHoSo, NguoiXuLy: 'Nguyễn Văn Thành', ThoiDiemXuLy: '20231027093000', NoiDungXuLy: 'Xử lý', TrangThai });

describe('binding dvcqg', () => {
  it('upserts a dossier the way the portal documents: TraCuuHoSo, DongBoHoSoMC (isUpdating per lookup), then answers the record', async () => {
    const d = makeDossier(1);
    const created = await client.dossiers.upsert(d);
    expect(created.dossier).toEqual(d);
    expect(created.version).toBe(1);
    expect(gw.calls).toEqual(['TraCuuHoSo', 'DongBoHoSoMC', 'TraCuuHoSo']);
    const sent = gw.server.requests.filter((r) => r.url === '/dvcqg/integration').map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(sent[1]).toMatchObject({ madonvi: '000.00.00.H56', service: 'DongBoHoSoMC', isUpdating: 'False', data: [d] });
    expect(sent[1]!['session']).toMatch(/^session-/);
    expect(gw.server.requests[1]!.headers['dstcode']).toBe('H56');

    const res = await client.call('upsertDossier', { path: { MaHoSo: d.MaHoSo }, body: { ...d, TrangThaiHoSo: '4' } });
    expect(res.status).toBe(200);
    expect(res.data.version).toBe(2);
    expect(JSON.parse(gw.server.requests.at(-2)!.body)).toMatchObject({ isUpdating: 'True' });
  });

  it('maps error_code to the same ApiError as rest: "03" → 404 not-found, "04" → 409 conflict', async () => {
    const missing = (await client.dossiers.get('000.00.06.H56-231027-0999').catch((e: unknown) => e)) as ApiError;
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, problemKind: 'not-found', dvcqgErrorCode: '03' });
    expect(missing.problem).toMatchObject({ type: 'https://dvc-kit.dev/problems/not-found', status: 404, detail: 'Không tìm thấy hồ sơ' });
    expect(missing.request).toMatchObject({ operationId: 'getDossier', method: 'POST', url: `${gw.url}/dvcqg/integration` });

    const d = makeDossier(2, { TrangThaiHoSo: '10' });
    await client.dossiers.upsert(d);
    const illegal = (await client.dossiers.appendEvents(d.MaHoSo, [step(d.MaHoSo, '4')]).catch((e: unknown) => e)) as ApiError;
    expect(illegal).toMatchObject({ status: 409, problemKind: 'conflict', dvcqgErrorCode: '04' });
  });

  it('appends processing steps (CapNhatTienDoHoSoMC) and answers the record with its history', async () => {
    const d = makeDossier(3);
    await client.dossiers.upsert(d);
    const rec = await client.dossiers.appendEvents(d.MaHoSo, [step(d.MaHoSo, '4'), step(d.MaHoSo, '9')]);
    expect(rec.dossier.TrangThaiHoSo).toBe('9');
    expect(rec.history).toHaveLength(2);
  });

  it('does not repeat CapNhatTienDoHoSoMC after a transient failure (it appends; no idempotency key in this binding)', async () => {
    const d = makeDossier(4);
    await client.dossiers.upsert(d);
    let failed = 0;
    const original = gw.server;
    const realCalls = gw.calls.length;
    original.handle((req, res) => {
      failed++;
      res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'down', status: 503 }));
    });
    await expect(client.dossiers.appendEvents(d.MaHoSo, [step(d.MaHoSo, '4')])).rejects.toMatchObject({ status: 503 });
    expect(failed).toBe(1);
    expect(gw.calls.length).toBe(realCalls);
  });

  it('logs in again once when the gateway answers "01", and carries on with the new session', async () => {
    await client.dossiers.upsert(makeDossier(5));
    expect(gw.logins).toBe(1);
    gw.expireSessions();
    const rec = await client.dossiers.get(makeDossier(5).MaHoSo);
    expect(rec.dossier.MaHoSo).toBe(makeDossier(5).MaHoSo);
    expect(gw.logins).toBe(2);
  });

  it('pages through LayDanhSachTTHC with start/limit behind the same async iterator', async () => {
    const got: string[] = [];
    for await (const p of client.procedures.list({ level: 'full', limit: 2 })) got.push(p.MaTTHC);
    expect(got).toEqual(procedures.filter((p) => p.MucDo === 'full').map((p) => p.MaTTHC));
    const shares = gw.server.requests.filter((r) => r.url === '/dvcqg/share').map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(shares.map((s) => s['start'])).toEqual([0, 2]);
    expect(shares[0]).toMatchObject({ service: 'LayDanhSachTTHC', MucDo: 'full', limit: 2 });
  });

  it('reads one procedure with LayThuTuc', async () => {
    await expect(client.procedures.get(procedures[3]!.MaTTHC)).resolves.toEqual(procedures[3]);
    await expect(client.procedures.get('1.999999')).rejects.toMatchObject({ status: 404 });
  });

  it('syncs a batch as DongBoHoSoMC calls split by isUpdating, with a result per record', async () => {
    await client.dossiers.upsert(makeDossier(10));
    const items = [makeDossier(10, { TrangThaiHoSo: '4' }), makeDossier(11), makeDossier(12, { MaTTHC: '1.001612' })];
    const out = await client.dossiers.syncBatch(items);
    expect(out.results.map((r) => [r.index, r.outcome])).toEqual([
      [0, 'updated'],
      [1, 'created'],
      [2, 'created'],
    ]);
    expect(out.summary).toEqual({ created: 2, updated: 1, unchanged: 0, rejected: 0 });
    // a record the gateway refuses is rejected with the mapped problem, the others still apply
    const creating = make({ dvcqg: { agencyCode: '000.00.00.H56', isUpdating: false } });
    const again = await creating.dossiers.syncBatch([makeDossier(11), makeDossier(13)]);
    await creating.close();
    expect(again.results[0]).toMatchObject({ outcome: 'rejected', problem: { status: 409 } });
    expect(again.results[1]).toMatchObject({ outcome: 'created' });
  });

  it('runs syncDossiers over the envelope', async () => {
    const creating = make({ dvcqg: { agencyCode: '000.00.00.H56', isUpdating: false } });
    const summary = await creating.syncDossiers(dossierSource(250), { batchSize: 100 });
    await creating.close();
    expect(summary).toMatchObject({ synced: 250, rejected: 0 });
    expect(gw.records.size).toBe(250);
  });

  it('refuses operations the envelope cannot carry with UnsupportedInBindingError, before sending', async () => {
    const before = gw.server.requests.length;
    await expect(client.feedback.get('PA-20231102-0042')).rejects.toBeInstanceOf(UnsupportedInBindingError);
    await expect(client.call('listAgencies')).rejects.toMatchObject({ code: 'CLIENT_UNSUPPORTED_IN_BINDING', operationId: 'listAgencies' });
    expect(gw.server.requests.length).toBe(before);
  });

  it('with validate "all", the envelopes sent and the answers received are checked against the document', async () => {
    const strict = make({ validate: 'all' });
    await strict.dossiers.upsert(makeDossier(20));
    await expect(strict.dossiers.get(makeDossier(20).MaHoSo)).resolves.toMatchObject({ version: 1 });
    gw.server.handle((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: '0', result: [{ unexpected: true }] })));
    await expect(strict.dossiers.get(makeDossier(20).MaHoSo)).rejects.toMatchObject({ code: 'CLIENT_VALIDATION_FAILED', direction: 'response' });
    await strict.close();
  });

  it('needs a dvcqg-session credential', async () => {
    const c = make({ auth: countingBearerProvider() });
    await expect(c.dossiers.get(makeDossier(1).MaHoSo)).rejects.toBeInstanceOf(ConfigError);
    await c.close();
  });

  it('the envelope endpoints can be called as they are', async () => {
    const login = await client.dvcqg.login({ username: 'thanhhoa-motcua', password: 'S3cret-Example!' });
    expect(login.error_code).toBe('0');
    const share = await client.dvcqg.share({ session: login.session!, madonvi: '000.00.00.H56', service: 'LayThuTuc', MaTTHC: procedures[0]!.MaTTHC });
    expect(share.result?.[0]?.MaTTHC).toBe(procedures[0]!.MaTTHC);
  });
});

describe('toPortalDateTime', () => {
  it('writes an instant in Vietnam time', () => {
    expect(toPortalDateTime('2023-10-27T01:30:00Z')).toBe('20231027083000');
    expect(toPortalDateTime('2023-10-27T08:30:00+07:00')).toBe('20231027083000');
    expect(() => toPortalDateTime('yesterday')).toThrow(ConfigError);
  });
});
