/**
 * The lifecycle scenario every run mode must answer identically: register a system, get a
 * token (private_key_jwt), sync a dossier (signed), walk it through its lifecycle, read it
 * back through rest and through the dvcqg envelope.
 */
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { signMessage } from '@dvc-kit/signature';
import { schemaExamples, type Dossier, type DossierRecord, type ProcessingStep } from '@dvc-kit/spec';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export type Send = (method: string, url: string, init?: { headers?: Record<string, string>; body?: string }) => Promise<HttpAnswer>;

/** The spec's own Dossier example (valid by construction), received (status 2) and without fees. */
const { DanhSachLePhi: _fees, ...example } = schemaExamples<Dossier>('national-portal', 'Dossier')[0]!;
export const DOSSIER: Dossier = { ...example, TrangThaiHoSo: '2' };

export function step(TrangThai: ProcessingStep['TrangThai'], NoiDungXuLy: string, at: string): ProcessingStep {
  return { MaHoSo: DOSSIER.MaHoSo, NguoiXuLy: 'Nguyễn Văn Thành', ChucDanh: 'Chuyên viên', ThoiDiemXuLy: at, PhongBanXuLy: 'Phòng Tài chính - Kế hoạch', NoiDungXuLy, TrangThai };
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  dvcqgUsername: string;
  dvcqgPassword: string;
  privateKeyPem: string;
  chainPem: string[];
  tokenEndpoint: string;
}

export async function register(send: Send, base: string, body: Record<string, unknown>): Promise<Credentials> {
  const r = await send('POST', `${base}/__admin/systems`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
  return JSON.parse(r.text) as Credentials;
}

export async function clientAssertion(creds: Credentials, audience: string, overrides: { jti?: string; exp?: number; alg?: string } = {}): Promise<string> {
  const key = await importPKCS8(creds.privateKeyPem, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: overrides.alg ?? 'ES256', typ: 'JWT' })
    .setIssuer(creds.clientId)
    .setSubject(creds.clientId)
    .setAudience(audience)
    .setJti(overrides.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(overrides.exp ?? now + 120)
    .sign(key);
}

export async function token(send: Send, base: string, creds: Credentials, scope?: string): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(creds, `${base}/oauth2/token`),
  });
  if (scope) form.set('scope', scope);
  const r = await send('POST', `${base}/oauth2/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return (JSON.parse(r.text) as { access_token: string }).access_token;
}

export async function signedJson(creds: Credentials, body: unknown): Promise<{ body: string; signature: string }> {
  return { body: JSON.stringify(body), signature: await signMessage(body, { privateKey: creds.privateKeyPem, certificates: creds.chainPem }) };
}

/** Runs the scenario; answers what must be identical across run modes. */
export async function runLifecycleScenario(send: Send, base: string): Promise<Record<string, unknown>> {
  const creds = await register(send, base, { clientId: 'thanhhoa-motcua', agencyCode: '000.00.00.H56', name: 'Hệ thống một cửa điện tử tỉnh Thanh Hóa' });
  const access = await token(send, base, creds, 'dossiers.write dossiers.read catalogue.read');
  const auth = { authorization: `Bearer ${access}` };
  const statuses: Record<string, number> = {};

  const put = await signedJson(creds, DOSSIER);
  const created = await send('PUT', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { ...auth, 'content-type': 'application/json', 'x-dvc-signature': put.signature }, body: put.body });
  statuses.create = created.status;

  let n = 0;
  for (const [status, text, at] of [['4', 'Chuyển hồ sơ cho chuyên viên thụ lý', '20231027093000'], ['9', 'Đã xử lý xong', '20231030160000'], ['10', 'Đã trả kết quả', '20231101090000']] as const) {
    const events = await signedJson(creds, { events: [step(status, text, at)] });
    const key = `scenario-${++n}-0000`;
    const r = await send('POST', `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key, 'x-dvc-signature': events.signature }, body: events.body });
    statuses[`event${status}`] = r.status;
    if (n === 1) {
      const again = await send('POST', `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key, 'x-dvc-signature': events.signature }, body: events.body });
      statuses.replay = again.status;
      statuses.replayedHeader = again.headers['idempotent-replayed'] === 'true' ? 1 : 0;
    }
  }
  const illegal = await signedJson(creds, { events: [step('4', 'Quay lại xử lý', '20231102090000')] });
  const refused = await send('POST', `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'scenario-illegal-1', 'x-dvc-signature': illegal.signature }, body: illegal.body });
  statuses.illegal = refused.status;

  const read = await send('GET', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: auth });
  statuses.read = read.status;
  const record = JSON.parse(read.text) as DossierRecord;

  const login = await send('POST', `${base}/dvcqg/login`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: creds.dvcqgUsername, password: creds.dvcqgPassword }) });
  const session = (JSON.parse(login.text) as { session: string }).session;
  const lookup = await send('POST', `${base}/dvcqg/integration`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, madonvi: '000.00.00.H56', service: 'TraCuuHoSo', MaHoSo: DOSSIER.MaHoSo }) });
  const envelope = JSON.parse(lookup.text) as { error_code: string; result: DossierRecord[] };
  const { receivedAt: _a, ...restView } = record;
  const { receivedAt: _b, ...dvcqgView } = envelope.result[0]!;
  return { statuses, rest: restView, dvcqg: { error_code: envelope.error_code, record: dvcqgView }, illegalType: (JSON.parse(refused.text) as { type: string }).type };
}
