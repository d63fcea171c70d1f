import type { Feedback, UserInfo } from '@dvc-kit/spec';
import { parsePortalDateTime } from '@dvc-kit/validators';
import type { HttpResponse } from '../evidence.js';
import type { PortalRequestRecord } from '../harness/portal-side.js';
import { newCitizen } from './sign-on.js';
import { asPortal, check, nowPortal, observed, pickProcedure, receive, type Check, type Ctx } from './support.js';

/** A feedback item as the owner's authenticated lookup lists it. */
export interface ListedFeedback {
  MaPhanAnh?: string;
  TrangThai?: string;
  NgayNhan?: string;
  DonViXuLy?: string;
  HanTraLoi?: string;
  TraLoi?: unknown;
}

/** lookupDossier with a citizen's token (or none). */
export function citizenLookup(ctx: Ctx, MaHoSo: string, token: string | null, label: string): Promise<HttpResponse> {
  return ctx.send({ url: `${ctx.env.target}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: token === null ? {} : { authorization: `Bearer ${token}` }, label });
}

/**
 * Forwards a feedback item about the owner's dossier as the portal does (receiveFeedback,
 * portal token, idempotency key). The portal records it first, as the real one holds the
 * feedback it forwards, so the system's answer (answerFeedback) finds it.
 */
export async function forwardFeedback(ctx: Ctx, o: { MaHoSo: string; owner: UserInfo; HanTraLoi?: string }): Promise<{ feedback: Feedback; response: HttpResponse }> {
  const feedback: Feedback = {
    MaPhanAnh: `PA-${nowPortal().slice(0, 8)}-${ctx.random.digits(6)}`,
    TieuDe: 'Hỏi tiến độ hồ sơ',
    NoiDung: 'Đề nghị cho biết tiến độ giải quyết hồ sơ.',
    NguoiGui: o.owner.HoVaTen ?? 'Công dân',
    MaHoSo: o.MaHoSo,
    // Sent by the citizen well before the portal forwards it, so a system that records NgayGui as its receipt time is caught.
    NgayGui: nowPortal(-10 * 60_000),
    MaCoQuanXuLy: ctx.env.portal.agencyCode,
    TrangThai: '1',
    ...(o.HanTraLoi ? { HanTraLoi: o.HanTraLoi } : {}),
  };
  ctx.env.portal.recordFeedback(feedback);
  const response = await asPortal(ctx, { method: 'POST', path: '/v1/feedback', body: feedback, signature: null, label: 'receiveFeedback' });
  return { feedback, response };
}

/** Polls the owner's lookup until `done` holds for the item (or the deadline); the last answer and item. */
export async function watchFeedback(ctx: Ctx, o: { MaHoSo: string; MaPhanAnh: string; token: string; until: (item: ListedFeedback) => boolean; deadlineMs?: number }): Promise<{ last: HttpResponse | undefined; item: ListedFeedback | undefined }> {
  const deadline = Date.now() + (o.deadlineMs ?? ctx.env.timing.syncDeadlineMs);
  let last: HttpResponse | undefined;
  let item: ListedFeedback | undefined;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    last = await citizenLookup(ctx, o.MaHoSo, o.token, 'lookupDossier (feedback)');
    item = ((last.json as { feedback?: ListedFeedback[] } | undefined)?.feedback ?? []).find((f) => f.MaPhanAnh === o.MaPhanAnh);
    if (item && o.until(item)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { last, item };
}

/** Clock difference tolerated between the suite and the system (a --target system runs elsewhere). */
const SLACK_MS = 30_000;

export const feedbackChecks: Check[] = [
  check({
    id: 'feedback.accountability-recorded',
    title: 'Feedback is recorded with when it arrived, the unit handling it and a deadline, and answered to the portal in time',
    area: 'feedback',
    requirements: ['DVC-FBK-003'],
    run: async (ctx: Ctx) => {
      const owner = newCitizen(ctx);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), owner });
      // The portal's deadline: far enough for the run, near enough that "before HanTraLoi" means something.
      const HanTraLoi = nowPortal(10 * 60_000);
      const forwardedAt = Date.now();
      const { feedback, response } = await forwardFeedback(ctx, { MaHoSo, owner, HanTraLoi });
      ctx.require(response.status >= 200 && response.status < 300, { message: 'Feedback forwarded by the portal is accepted', expected: 202, found: `${response.status} ${response.text.slice(0, 200)}`, response });
      const { MaPhanAnh } = feedback;
      const token = await ctx.env.portal.citizenToken(owner);

      const { last, item } = await watchFeedback(ctx, { MaHoSo, MaPhanAnh, token, until: () => true });
      const seenAt = Date.now();
      const shown = last ? { response: last } : {};
      ctx.require(item !== undefined, { message: "The owner's authenticated lookup lists the feedback", expected: `feedback[] with ${MaPhanAnh}`, found: last ? `${last.status} ${last.text.slice(0, 200)}` : 'no answer', ...shown });
      ctx.verify(['1', '2', '3', '4'].includes(String(item.TrangThai)), { message: 'It gives the feedback’s state (TrangThai)', expected: '1–4', found: item.TrangThai ?? 'missing', ...shown });
      const received = typeof item.NgayNhan === 'string' ? parsePortalDateTime(item.NgayNhan) : undefined;
      ctx.verify(received?.ok === true && received.value.epochMs >= forwardedAt - SLACK_MS && received.value.epochMs <= seenAt + SLACK_MS, {
        message: 'It records when the system received it (NgayNhan, Vietnam time): not before the portal forwarded it, not after it was shown',
        expected: `yyyyMMddHHmmss between ${nowPortal(forwardedAt - Date.now())} and ${nowPortal(seenAt - Date.now())}`,
        found: item.NgayNhan ?? 'missing',
        ...shown,
      });
      ctx.verify(typeof item.DonViXuLy === 'string' && item.DonViXuLy.trim().length > 0, { message: 'It names the unit assigned to handle it (DonViXuLy)', expected: 'a non-empty unit', found: item.DonViXuLy ?? 'missing', ...shown });
      const due = typeof item.HanTraLoi === 'string' && parsePortalDateTime(item.HanTraLoi).ok ? item.HanTraLoi : undefined;
      ctx.verify(due !== undefined && due <= HanTraLoi, { message: "It records the answer deadline (HanTraLoi), no later than the portal's", expected: `≤ ${HanTraLoi}`, found: item.HanTraLoi ?? 'missing', ...shown });

      // The answer must reach the portal before its deadline; the run waits at most its own deadline.
      const portalDue = parsePortalDateTime(HanTraLoi);
      const answerDeadline = Math.min(portalDue.ok ? portalDue.value.epochMs : Infinity, forwardedAt + ctx.env.timing.syncDeadlineMs);
      const answers = (): PortalRequestRecord[] => ctx.env.portal.requests({ operationIds: ['answerFeedback'] }).filter((r) => r.path.includes(encodeURIComponent(MaPhanAnh)) || r.path.includes(MaPhanAnh));
      const accepted = await ctx.env.portal.waitFor(() => answers().find((r) => r.status >= 200 && r.status < 300), Math.max(0, answerDeadline - Date.now()), ctx.signal);
      const tried = answers();
      ctx.verify(accepted !== undefined && accepted.at <= answerDeadline, {
        message: `The system's answer reaches the national portal (answerFeedback, accepted) before HanTraLoi and within the run's deadline (${ctx.env.timing.syncDeadlineMs} ms)`,
        expected: `POST /v1/feedback/${MaPhanAnh}/answers answered 2xx`,
        found: tried.length ? tried.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') : 'no answer sent',
        evidence: (accepted ? [accepted] : tried).map((r) => observed(ctx, r)),
      });
      if (accepted) {
        const after = await watchFeedback(ctx, { MaHoSo, MaPhanAnh, token, until: (f) => f.TraLoi !== undefined, deadlineMs: 5000 });
        ctx.verify(after.item?.TraLoi !== undefined, { message: 'The lookup then shows the answer (TraLoi)', expected: 'feedback[].TraLoi', found: after.item ? JSON.stringify(after.item).slice(0, 200) : 'not listed', ...(after.last ? { response: after.last } : {}) });
      }
    },
  }),
];
