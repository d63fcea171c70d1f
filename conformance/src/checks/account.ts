import type { UserInfo } from '@dvc-kit/spec';
import type { PortalRequestRecord } from '../harness/portal-side.js';
import { MARK, systemToken } from './counterpart.js';
import { asCitizen, myDossiers, newCitizen, signIn, type CitizenSession } from './sign-on.js';
import { check, isProblem, observed, pickProcedure, portalRecord, receive, verifyProblem, type Check, type Ctx } from './support.js';

const SSO = ['DVC-SSO-006'];
const EVAL = ['DVC-EVAL-001'];
/** Statuses in which handling has ended (DVC-EVAL-002). */
const ENDED = new Set(['3', '7', '8', '9', '10']);

/** The `sub` of the bearer token a request carried (the citizen a userinfo call was for). */
function bearerSubject(r: PortalRequestRecord): string | undefined {
  const token = /^bearer\s+(\S+)/i.exec(r.headers.authorization ?? '')?.[1];
  try {
    return (JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}

/** The userinfo calls the system made for `citizen` during a sign-on. */
function userinfoCalls(ctx: Ctx, session: CitizenSession): PortalRequestRecord[] {
  return ctx.env.portal.requests({ sinceId: session.startedAfter, operationIds: ['getUserInfo'] }).filter((r) => bearerSubject(r) === session.citizen.sub);
}

/** What the system sent to the portal in submitEvaluations about one dossier. */
function evaluationPushes(ctx: Ctx, MaHoSo: string): PortalRequestRecord[] {
  return ctx.env.portal.requests({ operationIds: ['submitEvaluations'] }).filter((r) => ((r.body as { items?: { MaHoSo?: string }[] } | undefined)?.items ?? []).some((i) => i.MaHoSo === MaHoSo));
}

export const accountChecks: Check[] = [
  check({
    id: 'account.linked-by-techid',
    title: "The citizen's account is found by TechID/sub through the portal's sign-on, never by name or phone",
    area: 'sso',
    requirements: SSO,
    run: async (ctx: Ctx) => {
      const a = newCitizen(ctx);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), owner: a });

      const anonymous = await myDossiers(ctx, null, 'listMyDossiers without a session');
      ctx.verify(anonymous.response.status === 401, { message: 'Without a session the account’s dossiers are refused with 401', expected: 401, found: anonymous.response.status, response: anonymous.response });
      if (anonymous.response.status === 401) verifyProblem(ctx, anonymous.response, 'listMyDossiers without a session');

      const first = await signIn(ctx, a, { requirements: SSO });
      const mine = await myDossiers(ctx, first, `listMyDossiers as ${a.HoVaTen}`);
      ctx.require(mine.response.status === 200, { message: 'The signed-in citizen gets the account’s dossiers (listMyDossiers)', expected: 200, found: `${mine.response.status} ${mine.response.text.slice(0, 200)}`, response: mine.response });
      ctx.verify(mine.codes.includes(MaHoSo), { message: "The citizen's dossier is listed in the account", expected: `items with ${MaHoSo}`, found: `${mine.codes.length} dossier(s): ${mine.codes.slice(0, 5).join(', ')}`, response: mine.response });
      ctx.verify(mine.account?.HoVaTen === a.HoVaTen, { message: 'The account carries the name the portal’s userinfo gave (HoVaTen)', expected: a.HoVaTen, found: mine.account?.HoVaTen ?? 'no account.HoVaTen', response: mine.response });
      if (mine.account?.TechID !== undefined || mine.account?.sub !== undefined) {
        ctx.verify((mine.account.TechID ?? a.TechID) === a.TechID && (mine.account.sub ?? a.sub) === a.sub, { message: 'The account carries the TechID and sub the portal gave (claim names as the portal spells them)', expected: `TechID ${a.TechID}, sub ${a.sub}`, found: `TechID ${mine.account.TechID ?? '—'}, sub ${mine.account.sub ?? '—'}`, response: mine.response });
      }
      const read = userinfoCalls(ctx, first);
      ctx.verify(read.some((r) => r.status === 200), { message: "The system read the citizen at the portal's userinfo during the sign-on", expected: `GET /oauth2/userinfo for sub ${a.sub}, answered 200`, found: read.length ? read.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') : 'no userinfo call for this citizen', evidence: read.map((r) => observed(ctx, r)) });

      const renamed = `${a.HoVaTen} Đổi Tên`;
      ctx.env.portal.updateCitizen(a.sub, { HoVaTen: renamed });
      const again = await signIn(ctx, { ...a, HoVaTen: renamed }, { requirements: SSO });
      const after = await myDossiers(ctx, again, `listMyDossiers as ${renamed} (same TechID, new name)`);
      ctx.require(after.response.status === 200, { message: 'After a change of name the citizen signs in to an account', expected: 200, found: `${after.response.status} ${after.response.text.slice(0, 200)}`, response: after.response });
      ctx.verify(after.codes.includes(MaHoSo), { message: 'Signing in again after a change of name reaches the same account (its dossier is listed)', expected: `items with ${MaHoSo}`, found: `${after.codes.length} dossier(s)`, response: after.response });
      ctx.verify(after.account?.HoVaTen === renamed, { message: 'The account now carries the new name from userinfo', expected: renamed, found: after.account?.HoVaTen ?? 'no account.HoVaTen', response: after.response });
      if (after.account?.TechID !== undefined) ctx.verify(after.account.TechID === a.TechID, { message: 'The account is the TechID the portal gave', expected: a.TechID, found: after.account.TechID, response: after.response });

      // Another person who shares the (new) name and the phone number, not the account keys.
      const b: UserInfo = newCitizen(ctx, { HoVaTen: renamed, ...(a.SoDienThoai ? { SoDienThoai: a.SoDienThoai } : {}) });
      const other = await signIn(ctx, b, { requirements: SSO });
      const theirs = await myDossiers(ctx, other, `listMyDossiers as another citizen with the same name and phone`);
      ctx.verify(theirs.response.status === 200 && !theirs.codes.includes(MaHoSo), { message: 'Another citizen with the same name and phone number but another TechID does not reach the first citizen’s account', expected: `200 without ${MaHoSo}`, found: `${theirs.response.status}, ${theirs.codes.includes(MaHoSo) ? `lists ${MaHoSo}` : `${theirs.codes.length} other dossier(s)`}`, response: theirs.response });
      if (theirs.account?.TechID !== undefined) ctx.verify(theirs.account.TechID !== a.TechID, { message: 'The second citizen is given their own account', expected: `a TechID other than ${a.TechID}`, found: theirs.account.TechID, response: theirs.response });
    },
  }),
  check({
    id: 'evaluation.owner-evaluates-ended-dossier',
    title: 'The owner evaluates a finished dossier on the system, and the system sends the evaluation to the portal',
    area: 'evaluation',
    requirements: EVAL,
    run: async (ctx: Ctx) => {
      const a = newCitizen(ctx);
      const procedure = await pickProcedure(ctx, { fees: false });
      const done = await receive(ctx, { procedure, owner: a });
      // Without files the officials ask for a supplement: the dossier stays unfinished.
      const open = await receive(ctx, { procedure, owner: a, files: false });
      const ended = await portalRecord(ctx, done.MaHoSo, (r) => ENDED.has(r.dossier.TrangThaiHoSo));
      if (!ended) ctx.inconclusive(`dossier ${done.MaHoSo} did not reach an ended status (3, 7, 8, 9, 10) at the portal within ${ctx.env.timing.syncDeadlineMs} ms, so there is nothing to evaluate`);

      const path = (MaHoSo: string) => `/v1/me/dossiers/${encodeURIComponent(MaHoSo)}/evaluation`;
      const given = { KetQua: '2', TieuChi: { TC01: 2, TC02: 1, TC03: 2 }, YKien: 'Kiểm thử tuân thủ: cán bộ hướng dẫn tận tình.' };

      const anonymous = await asCitizen(ctx, null, { method: 'PUT', path: path(done.MaHoSo), body: given, label: 'evaluateDossier without a session' });
      ctx.verify(anonymous.status === 401, { message: 'Without a session an evaluation is refused with 401', expected: 401, found: anonymous.status, response: anonymous });
      if (anonymous.status === 401) verifyProblem(ctx, anonymous, 'evaluateDossier without a session');

      const owner = await signIn(ctx, a, { requirements: EVAL });
      const first = await asCitizen(ctx, owner, { method: 'PUT', path: path(done.MaHoSo), body: given, label: 'evaluateDossier by the owner (handling ended)' });
      const recorded = first.json as { MaHoSo?: string; KetQua?: string } | undefined;
      ctx.require(first.status === 201 && recorded?.MaHoSo === done.MaHoSo && recorded.KetQua === given.KetQua, { message: 'The owner’s evaluation of a finished dossier is recorded: 201 with the Evaluation', expected: `201 { MaHoSo: ${done.MaHoSo}, KetQua: 2, … }`, found: `${first.status} ${first.text.slice(0, 200)}`, response: first });

      const deadline = ctx.env.timing.syncDeadlineMs;
      const sent = await ctx.env.portal.waitFor(() => evaluationPushes(ctx, done.MaHoSo).find((r) => r.status >= 200 && r.status < 300), deadline, ctx.signal);
      const pushes = evaluationPushes(ctx, done.MaHoSo);
      ctx.verify(sent !== undefined, { message: `The system sends the evaluation to the national portal (submitEvaluations, accepted) within the run's deadline (${deadline} ms)`, expected: `POST /v1/evaluations with ${done.MaHoSo}, answered 2xx`, found: pushes.length ? pushes.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') : 'nothing sent', evidence: (sent ? [sent] : pushes).map((r) => observed(ctx, r)) });
      if (sent) {
        const token = await systemToken(ctx, 'evaluations.read');
        const listed = await ctx.send({ url: `${ctx.env.portal.url}/v1/evaluations?limit=500`, headers: { authorization: `Bearer ${token}`, ...MARK }, label: "the portal's listEvaluations" });
        const items = (listed.json as { items?: { MaHoSo?: string; KetQua?: string }[] } | undefined)?.items ?? [];
        ctx.verify(listed.status === 200 && items.some((e) => e.MaHoSo === done.MaHoSo && e.KetQua === given.KetQua), { message: "The national portal's listEvaluations returns the owner's evaluation", expected: `an item { MaHoSo: ${done.MaHoSo}, KetQua: 2 }`, found: `${listed.status}, ${items.length} evaluation(s)`, response: listed });
      }

      const same = await asCitizen(ctx, owner, { method: 'PUT', path: path(done.MaHoSo), body: given, label: 'evaluateDossier again, same evaluation' });
      ctx.verify(same.status === 200 && (same.json as { MaHoSo?: string } | undefined)?.MaHoSo === done.MaHoSo, { message: 'The same evaluation again answers 200 with the recorded one', expected: 200, found: `${same.status} ${same.text.slice(0, 160)}`, response: same });
      const changed = await asCitizen(ctx, owner, { method: 'PUT', path: path(done.MaHoSo), body: { KetQua: '3', YKien: 'Đổi ý.' }, label: 'evaluateDossier again, another evaluation' });
      ctx.verify(changed.status === 409, { message: 'Another evaluation of an evaluated dossier is refused with 409 (an evaluation cannot be changed)', expected: 409, found: `${changed.status} ${changed.text.slice(0, 160)}`, response: changed });
      if (changed.status >= 400) verifyProblem(ctx, changed, 'evaluateDossier with another evaluation');

      const b = newCitizen(ctx);
      const stranger = await signIn(ctx, b, { requirements: EVAL });
      const foreign = await asCitizen(ctx, stranger, { method: 'PUT', path: path(done.MaHoSo), body: given, label: "evaluateDossier of another citizen's dossier" });
      ctx.verify(foreign.status === 404, { message: "Another citizen's dossier answers 404", expected: 404, found: `${foreign.status} ${foreign.text.slice(0, 160)}`, response: foreign });

      const unfinished = await asCitizen(ctx, owner, { method: 'PUT', path: path(open.MaHoSo), body: given, label: 'evaluateDossier of an unfinished dossier' });
      const status = ctx.env.portal.dossier(open.MaHoSo)?.dossier.TrangThaiHoSo;
      if (status !== undefined && ENDED.has(status)) ctx.note(`The dossier without files ended (status ${status}): the refusal of an unfinished dossier was not exercised.`);
      else ctx.verify(unfinished.status === 409 && isProblem(unfinished), { message: 'An evaluation of a dossier still being handled is refused with 409 problem+json', expected: '409 application/problem+json', found: `${unfinished.status} ${unfinished.text.slice(0, 160)}`, response: unfinished });
    },
  }),
];
