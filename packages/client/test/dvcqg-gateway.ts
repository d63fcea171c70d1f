import type { Dossier, DossierRecord, Procedure, ProcessingStep } from '@dvc-kit/spec';
import { isLegalTransition } from '@dvc-kit/spec';
import { json, startServer, type TestServer } from './server.js';

/**
 * A small stateful dvcqg gateway: `/dvcqg/login` hands out sessions, `/dvcqg/integration` and
 * `/dvcqg/share` run the envelope services over an in-memory store with the standard's
 * error codes ("01" bad session, "02" invalid, "03" not found, "04" conflict or illegal transition).
 */
export interface DvcqgGateway {
  url: string;
  server: TestServer;
  records: Map<string, DossierRecord>;
  procedures: Procedure[];
  sessions: Set<string>;
  logins: number;
  /** Services called, in order. */
  calls: string[];
  /** Expire every session (the next call answers "01"). */
  expireSessions(): void;
  close(): Promise<void>;
}

const ok = (extra: Record<string, unknown> = {}) => ({ error_code: '0', message: 'Thành công', ...extra });

export async function startDvcqgGateway(options: { username?: string; password?: string; procedures?: Procedure[] } = {}): Promise<DvcqgGateway> {
  const username = options.username ?? 'thanhhoa-motcua';
  const password = options.password ?? 'S3cret-Example!';
  const records = new Map<string, DossierRecord>();
  const sessions = new Set<string>();
  const calls: string[] = [];
  let counter = 0;
  const gw = {
    records,
    procedures: options.procedures ?? [],
    sessions,
    logins: 0,
    calls,
  } as unknown as DvcqgGateway;

  const server = await startServer((req, res) => {
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (req.url === '/dvcqg/login') {
      gw.logins++;
      if (body['username'] !== username || body['password'] !== password) return json(res, 200, { error_code: '01', message: 'Sai tài khoản' });
      const session = `session-${++counter}`;
      sessions.add(session);
      return json(res, 200, ok({ session, expires_in: 1800 }));
    }
    const service = String(body['service']);
    calls.push(service);
    if (!sessions.has(String(body['session']))) return json(res, 200, { error_code: '01', message: 'Phiên làm việc hết hạn' });
    if (body['madonvi'] !== '000.00.00.H56') return json(res, 200, { error_code: '05', message: 'Sai mã đơn vị' });
    if (req.url === '/dvcqg/share') {
      if (service === 'LayThuTuc') {
        const p = gw.procedures.find((x) => x.MaTTHC === body['MaTTHC']);
        return json(res, 200, p ? ok({ result: [p] }) : { error_code: '03', message: 'Không tìm thấy thủ tục' });
      }
      if (service === 'LayDanhSachTTHC') {
        const start = Number(body['start'] ?? 0);
        const limit = Number(body['limit'] ?? 500);
        const list = gw.procedures.filter((p) => body['MucDo'] === undefined || p.MucDo === body['MucDo']);
        return json(res, 200, ok({ total: list.length, result: list.slice(start, start + limit) }));
      }
    }
    if (req.url === '/dvcqg/integration') {
      if (service === 'TraCuuHoSo') {
        const r = records.get(String(body['MaHoSo']));
        return json(res, 200, r ? ok({ result: [r] }) : { error_code: '03', message: 'Không tìm thấy hồ sơ' });
      }
      if (service === 'DongBoHoSoMC') {
        const updating = body['isUpdating'] === 'True';
        const result = (body['data'] as Dossier[]).map((d) => {
          const existing = records.get(d.MaHoSo);
          if (!updating && existing) return { MaHoSo: d.MaHoSo, error_code: '04', message: 'Hồ sơ đã tồn tại' };
          if (updating && !existing) return { MaHoSo: d.MaHoSo, error_code: '03', message: 'Không tìm thấy hồ sơ' };
          if (existing && existing.dossier.TrangThaiHoSo !== d.TrangThaiHoSo && !isLegalTransition(existing.dossier.TrangThaiHoSo, d.TrangThaiHoSo)) {
            return { MaHoSo: d.MaHoSo, error_code: '04', message: 'Chuyển trạng thái không hợp lệ' };
          }
          records.set(d.MaHoSo, { dossier: d, history: existing?.history ?? [], receivedAt: '2023-10-27T08:30:20+07:00', version: (existing?.version ?? 0) + 1 });
          return { MaHoSo: d.MaHoSo, error_code: '0' };
        });
        return json(res, 200, ok({ result }));
      }
      if (service === 'CapNhatTienDoHoSoMC') {
        const result = (body['data'] as ProcessingStep[]).map((s) => {
          const r = records.get(s.MaHoSo);
          if (!r) return { MaHoSo: s.MaHoSo, error_code: '03' };
          if (!isLegalTransition(r.dossier.TrangThaiHoSo, s.TrangThai)) return { MaHoSo: s.MaHoSo, error_code: '04', message: 'Chuyển trạng thái không hợp lệ' };
          r.history.push(s);
          r.dossier = { ...r.dossier, TrangThaiHoSo: s.TrangThai };
          r.version++;
          return { MaHoSo: s.MaHoSo, error_code: '0' };
        });
        return json(res, 200, ok({ result }));
      }
    }
    return json(res, 200, { error_code: '02', message: `Dịch vụ không hợp lệ: ${service}` });
  });
  gw.server = server;
  gw.url = server.url;
  gw.expireSessions = () => sessions.clear();
  gw.close = () => server.close();
  return gw;
}
