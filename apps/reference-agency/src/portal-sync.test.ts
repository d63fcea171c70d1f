import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePortal } from '../test/support/fake-portal.js';
import { loadConfig, type AgencyConfig } from './config.js';
import { openDatabase, type Db } from './database.js';
import { DossierStore } from './dossier-store.js';
import { MessageSigner } from './message-signature.js';
import { noMutant } from './mutants.js';
import { Outbox } from './outbox.js';
import { clientPusher, PortalSync } from './portal-sync.js';
import { Wakeup } from './wakeup.js';
import { waitFor } from '../test/support/http.js';

let portal: FakePortal;
let config: AgencyConfig;
const dirs: string[] = [];

beforeAll(async () => {
  portal = await FakePortal.start();
  config = loadConfig(portal.agencyEnv());
}, 120_000);

afterAll(async () => {
  await portal?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(options: { maxSleepMs?: number } = {}): { db: Db; store: DossierStore; outbox: Outbox; sync: PortalSync } {
  const dir = mkdtempSync(join(tmpdir(), 'ra-sync-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  const wakeup = new Wakeup();
  const store = new DossierStore(db, { mutant: noMutant, installId: dir.slice(-6), wakeup });
  const outbox = new Outbox(db);
  const signer = new MessageSigner({ privateKeyPem: config.clientKeyPem, certificates: config.clientCertificates, trustAnchors: config.trustAnchors, revocation: 'soft-fail', mutant: noMutant });
  const sync = new PortalSync(outbox, clientPusher(config, signer, noMutant), false, { baseBackoffMs: 20, maxBackoffMs: 100, wakeup, ...options });
  return { db, store, outbox, sync };
}

function receive(store: DossierStore, unit: string): string {
  return store.receive({
    agencyCode: unit,
    submission: { MaHoSoQuocGia: `N-${unit}`, MaTTHC: '2.000720', MaCoQuanThucHien: unit, ChuHoSo: 'A', LoaiDoiTuong: '1', NgayNopHoSo: '20250701080000' },
    dossier: { MaTTHC: '2.000720', TenTTHC: 'x', KenhThucHien: '2', ChuHoSo: 'A', LoaiDoiTuong: '1', NgayTiepNhan: '20250701080000', NgayHenTra: '20250704170000', TrangThaiHoSo: '2' },
    step: { NguoiXuLy: 'Hệ thống', NoiDungXuLy: 'Tiếp nhận', TrangThai: '2' },
    nextStepAt: Date.now() + 3600_000,
  }).code;
}

async function drain(sync: PortalSync, outbox: Outbox, code: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (outbox.entries(code).some((e) => e.state === 'pending')) {
    if (Date.now() > end) throw new Error('outbox did not drain');
    await sync.runOnce();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('PortalSync (rest)', () => {
  it('retries 503s with backoff, honouring Retry-After, and delivers in order', async () => {
    const { store, outbox, sync } = setup();
    const code = receive(store, '000.00.11.H56');
    store.applyStep(code, { step: { NguoiXuLy: 'B', NoiDungXuLy: 'Thụ lý', TrangThai: '4' } });
    // The outbox is the one retry layer (no quick in-process retries under it): three failures, three retries.
    portal.faults = { count: 3, status: 503, retryAfter: '0' };
    await drain(sync, outbox, code);
    const [first, second] = outbox.entries(code);
    expect(first).toMatchObject({ state: 'delivered', attempts: 4 });
    expect(second).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(portal.statuses(code)).toEqual(['2', '4']);
  });

  it('sets aside what the portal refuses for good, and goes on with the next change', async () => {
    const { store, outbox, sync } = setup();
    const code = receive(store, '000.00.12.H56');
    store.applyStep(code, { step: { NguoiXuLy: 'B', NoiDungXuLy: 'Thụ lý', TrangThai: '4' } });
    portal.faults = { count: 1, status: 422 };
    await drain(sync, outbox, code);
    const [first, second] = outbox.entries(code);
    expect(first).toMatchObject({ state: 'failed', attempts: 1 });
    expect(first!.lastError).toMatch(/HTTP 422/);
    // Each push carries the whole record, so the next change still lands.
    expect(second!.state).toBe('delivered');
    expect(portal.statuses(code)).toEqual(['4']);
  });

  it('renews a token the portal rejects, within the same attempt', async () => {
    const { store, outbox, sync } = setup();
    const code = receive(store, '000.00.13.H56');
    portal.faults = { count: 1, status: 401 };
    await drain(sync, outbox, code);
    expect(outbox.entries(code)[0]).toMatchObject({ state: 'delivered', attempts: 1 });
  });
});

describe('PortalSync scheduling', () => {
  it('pushes a change as soon as it is queued, without polling', async () => {
    const { store, outbox, sync } = setup({ maxSleepMs: 60_000 });
    sync.start();
    try {
      // Asleep for up to a minute: only the store's wakeup can get this one out in time.
      await new Promise((r) => setTimeout(r, 20));
      const code = receive(store, '000.00.15.H56');
      await waitFor(() => outbox.entries(code)[0]!.state === 'delivered', 'the push delivered', 10_000);
    } finally {
      await sync.stop();
    }
  });

  it("does not hold up other dossiers while one waits out its 503's Retry-After", async () => {
    const { store, outbox, sync } = setup();
    const a = receive(store, '000.00.16.H56');
    portal.faults = { count: 1, status: 503, retryAfter: '30' };
    await sync.runOnce();
    portal.faults = { count: 0, status: 503 };
    expect(outbox.entries(a)[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(outbox.entries(a)[0]!.dueAt - Date.now()).toBeGreaterThan(20_000);
    const b = receive(store, '000.00.17.H56');
    await sync.runOnce();
    expect(outbox.entries(b)[0]!.state).toBe('delivered');
    expect(outbox.entries(a)[0]!.state).toBe('pending');
  });

  it("holds every dossier's push while a 429's Retry-After runs (the portal throttles the system)", async () => {
    const { store, outbox, sync } = setup();
    const a = receive(store, '000.00.18.H56');
    portal.faults = { count: 1, status: 429, retryAfter: '30' };
    await sync.runOnce();
    portal.faults = { count: 0, status: 503 };
    expect(outbox.entries(a)[0]!.dueAt - Date.now()).toBeGreaterThan(20_000);
    const b = receive(store, '000.00.19.H56');
    await sync.runOnce();
    expect(outbox.entries(b)[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(portal.calls.some((c) => c.path.includes(b))).toBe(false);
  });
});

describe('Retry-After after a 429 (DVC-RATE-002)', () => {
  it('sends nothing to the portal before the Retry-After has passed, not even the next call of another push', async () => {
    const { store, outbox } = setup();
    const signer = new MessageSigner({ privateKeyPem: config.clientKeyPem, certificates: config.clientCertificates, trustAnchors: config.trustAnchors, revocation: 'soft-fail', mutant: noMutant });
    const pusher = clientPusher(config, signer, noMutant);
    try {
      const a = receive(store, '000.00.21.H56');
      const b = receive(store, '000.00.22.H56');
      const [entryA] = outbox.due(Date.now()).filter((e) => e.code === a);
      const [entryB] = outbox.due(Date.now()).filter((e) => e.code === b);
      portal.faults = { count: 1, status: 429, retryAfter: '1' };
      const first = await pusher.push(entryA!);
      const throttledAt = Date.now();
      portal.faults = { count: 0, status: 503 };
      expect(first).toMatchObject({ ok: false, retryable: true, throttled: true, retryAfterMs: 1000 });
      const callsBefore = portal.calls.length;
      const held = await pusher.push(entryB!);
      expect(held).toMatchObject({ ok: false, retryable: true, throttled: true });
      expect(portal.calls.length).toBe(callsBefore);
      await waitFor(() => Date.now() - throttledAt > 1000, 'the Retry-After to pass');
      expect(await pusher.push(entryB!)).toEqual({ ok: true });
    } finally {
      await pusher.close();
    }
  });
});

describe('DossierStore', () => {
  it('refuses an illegal transition and changes nothing; history is append-only', () => {
    const { store } = setup();
    const code = receive(store, '000.00.14.H56');
    expect(() => store.applyStep(code, { step: { NguoiXuLy: 'B', NoiDungXuLy: 'x', TrangThai: '10' } })).toThrow(/cannot go from 2 to 10/);
    expect(store.get(code)!.status).toBe('2');
    expect(store.history(code)).toHaveLength(1);
    store.applyStep(code, { step: { NguoiXuLy: 'B', NoiDungXuLy: 'ghi chú', TrangThai: '2' } });
    store.applyStep(code, { step: { NguoiXuLy: 'B', NoiDungXuLy: 'rút', TrangThai: '7' } });
    expect(store.history(code).map((s) => s.TrangThai)).toEqual(['2', '2', '7']);
    expect(store.get(code)!.endedAt).toMatch(/^\d{14}$/);
    expect(() => store.applyStep(code, { step: { NguoiXuLy: 'B', NoiDungXuLy: 'x', TrangThai: '4' } })).toThrow(/cannot go from 7 to 4/);
  });
});
