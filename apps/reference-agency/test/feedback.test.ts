import { validateResponse } from '@dvc-kit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { findOfferedProcedure } from '../src/catalogue.js';
import { addWorkingDays, fromPortalDateTime, toPortalDateTime } from '../src/vietnam-time.js';
import { FakePortal } from './support/fake-portal.js';
import { call, feedback, submission, waitFor } from './support/http.js';

let portal: FakePortal;
let agency: ReferenceAgency;
let write: string;
let owner: string;

beforeAll(async () => {
  portal = await FakePortal.start();
  agency = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_STEP_INTERVAL_MS: '100' })), { sync: { baseBackoffMs: 20, maxBackoffMs: 200 } });
  write = await portal.token({ scope: 'agency.dossiers.write agency.feedback.write' });
  owner = await portal.token({ SoDinhDanh: '038190004521' });
}, 120_000);

afterAll(async () => {
  await agency?.close();
  await portal?.close();
});

const forward = (body: Record<string, unknown>) => call(portal, agency.url, 'POST', '/v1/feedback', { token: write, body });
const lookup = async (code: string) => {
  const res = await call(portal, agency.url, 'GET', `/v1/dossiers/${code}`, { token: owner });
  expect(res.status).toBe(200);
  expect(validateResponse('lookupDossier', 200, { body: res.body }).ok).toBe(true);
  return res.body as { feedback: Record<string, any>[] };
};

describe('feedback accountability (DVC-FBK-003)', () => {
  it('records when it arrived, the unit and a deadline no later than the portal\'s; answers it and sends the answer well before HanTraLoi, retrying a failure', async () => {
    const code: string = (await call(portal, agency.url, 'POST', '/v1/dossiers', { token: write, body: submission(), sign: true })).body.MaHoSo;
    const HanTraLoi = toPortalDateTime(new Date(Date.now() + 3 * 24 * 3600_000));
    const sent = feedback({ MaHoSo: code, HanTraLoi });
    const before = toPortalDateTime(new Date(Date.now() - 1000));
    portal.faults = { count: 3, status: 503 };
    const res = await forward(sent);
    expect(res.status).toBe(202);
    const [item] = (await lookup(code)).feedback;
    expect(item).toMatchObject({ MaPhanAnh: sent.MaPhanAnh, DonViXuLy: findOfferedProcedure('2.000720', '000.00.00.H56')!.department });
    expect(['1', '2', '3']).toContain(item!.TrangThai);
    expect(item!.NgayNhan >= before && item!.NgayNhan <= toPortalDateTime(new Date(Date.now() + 1000))).toBe(true);
    expect(item!.HanTraLoi <= HanTraLoi).toBe(true);

    const answered = await waitFor(() => portal.answers.get(sent.MaPhanAnh as string), 'the answer at the portal');
    expect(answered.at).toBeLessThan(fromPortalDateTime(HanTraLoi)!.getTime());
    expect(answered.answer).toMatchObject({ NguoiTraLoi: expect.any(String), NgayTraLoi: expect.stringMatching(/^\d{14}$/) });
    const after = (await lookup(code)).feedback[0]!;
    expect(after).toMatchObject({ TrangThai: '3', NgayNhan: item!.NgayNhan, DonViXuLy: item!.DonViXuLy, HanTraLoi: item!.HanTraLoi, TraLoi: answered.answer });
  });

  it('works to its own ten working days when the portal gives a later deadline or none, at a fixed desk when no dossier is named', async () => {
    const code: string = (await call(portal, agency.url, 'POST', '/v1/dossiers', { token: write, body: submission(), sign: true })).body.MaHoSo;
    const late = feedback({ MaHoSo: code, HanTraLoi: '20991231170000' });
    expect((await forward(late)).status).toBe(202);
    const own = toPortalDateTime(addWorkingDays(new Date(), 10));
    const [item] = (await lookup(code)).feedback;
    expect(item!.HanTraLoi <= own).toBe(true);
    expect(item!.HanTraLoi.slice(0, 8)).toBe(own.slice(0, 8));
    const loose = feedback();
    expect((await forward(loose)).status).toBe(202);
    const stored = agency.services.feedback.get(loose.MaPhanAnh as string)!;
    expect(stored.DonViXuLy).toBe('Văn phòng Ủy ban nhân dân tỉnh');
    expect(stored.HanTraLoi!.slice(0, 8)).toBe(own.slice(0, 8));
    await waitFor(() => portal.answers.get(loose.MaPhanAnh as string), 'the answer at the portal');
  });
});
