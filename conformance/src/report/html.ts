import { OUTCOMES } from '../outcome.js';
import type { ConformanceReport, RequirementResult } from '../report.js';
import type { CheckResult } from '../runner.js';
import type { HttpExchange } from '../evidence.js';

function esc(text: unknown): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cut(text: string | undefined, max = 4000): string {
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters in the JSON report]` : text;
}

function headersText(h: Record<string, string>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

function exchangeHtml(e: HttpExchange, checkId: string): string {
  const status = e.response ? String(e.response.status) : (e.error ?? 'no answer');
  return `<details class="evidence" id="ev-${esc(checkId)}-${e.id}"><summary><code>#${e.id} ${esc(e.request.method)} ${esc(e.request.url)}</code> → <b>${esc(status)}</b> <span class="muted">${e.durationMs} ms · ${esc(e.startedAt)}${e.label ? ` · ${esc(e.label)}` : ''}</span></summary>
<div class="pair"><div><h5>Request</h5><pre>${esc(`${e.request.method} ${e.request.url}\n${headersText(e.request.headers)}${e.request.body ? `\n\n${cut(e.request.body)}` : ''}`)}</pre></div>
<div><h5>Response</h5><pre>${e.response ? esc(`${e.response.status}\n${headersText(e.response.headers)}${e.response.body ? `\n\n${cut(e.response.body)}` : ''}`) : esc(e.error ?? 'no answer')}</pre></div></div></details>`;
}

function failureHtml(r: RequirementResult, report: ConformanceReport): string {
  if (r.failures.length === 0) return r.reason ? `<p class="reason">${esc(r.reason)}</p>` : '';
  return `<ul class="failures">${r.failures
    .map((f) => {
      const check = report.checks.find((c) => c.id === f.check);
      const evidence = (f.exchanges ?? [])
        .map((id) => check?.attempts[0]?.evidence.find((e) => e.id === id))
        .filter((e): e is HttpExchange => e !== undefined)
        .map((e) => exchangeHtml(e, f.check))
        .join('');
      return `<li><b>${esc(f.check)}</b>: ${esc(f.message)}${f.expected !== undefined ? `<div class="ef"><span>expected</span><code>${esc(f.expected)}</code></div>` : ''}${f.found !== undefined ? `<div class="ef"><span>found</span><code>${esc(f.found)}</code></div>` : ''}${evidence}</li>`;
    })
    .join('')}</ul>`;
}

function requirementHtml(r: RequirementResult, report: ConformanceReport): string {
  const search = `${r.id} ${r.title.en} ${r.title.vi} ${r.area} ${r.checks.join(' ')}`.toLowerCase();
  const open = r.inScope && ['FAIL', 'FLAKY'].includes(r.outcome) ? ' open' : '';
  const waived = r.waiver ? `<span class="waiver${r.waiver.expired ? ' expired' : ''}">${r.waiver.expired ? 'waiver expired' : 'waived'} until ${esc(r.waiver.expires)}: ${esc(r.waiver.reason)}</span>` : '';
  return `<details class="req" data-outcome="${r.outcome}" data-level="${r.level}" data-in-scope="${r.inScope}" data-covered="${r.covered}" data-search="${esc(search)}" id="${esc(r.id)}"${open}>
<summary><span class="badge ${r.outcome}">${r.outcome}</span> <code>${esc(r.id)}</code> <span class="lvl">${r.level}</span> ${esc(r.title.en)} <span class="muted">— ${esc(r.title.vi)}</span>${r.covered ? '' : ' <span class="badge NONE">not covered</span>'} ${waived}</summary>
<div class="body"><p lang="en">${esc(r.text.en)}</p><p lang="vi">${esc(r.text.vi)}</p>
<p class="muted">Source: ${esc(r.source.document)}, ${esc(r.source.clause)}${r.source.note ? ` — ${esc(r.source.note)}` : ''} · area ${esc(r.area)} · checks: ${r.checks.map((c) => `<a href="#check-${esc(c)}">${esc(c)}</a>`).join(', ') || 'none'}</p>
${failureHtml(r, report)}</div></details>`;
}

function checkHtml(c: CheckResult): string {
  const a = c.attempts[0]!;
  return `<details class="check" data-outcome="${c.outcome}" data-search="${esc(`${c.id} ${c.title} ${c.requirements.join(' ')}`.toLowerCase())}" id="check-${esc(c.id)}">
<summary><span class="badge ${c.outcome}">${c.outcome}</span> <code>${esc(c.id)}</code> ${esc(c.title)} <span class="muted">${c.requirements.join(' ')} · ${c.durationMs} ms${c.attempts.length > 1 ? ` · attempts ${c.attempts.map((x) => x.outcome).join(' → ')}` : ''}</span></summary>
<div class="body">${a.reason ? `<p class="reason">${esc(a.reason)}</p>` : ''}${a.notes.length ? `<ul class="notes">${a.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<p class="muted">${a.passedAssertions} assertion(s) held, ${a.failures.length} failed.</p>${a.evidence.map((e) => exchangeHtml(e, c.id)).join('')}</div></details>`;
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header{background:#fff;border-bottom:1px solid #d0d7de;padding:16px 24px}main{padding:16px 24px;max-width:1200px}
h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:24px 0 8px}.muted{color:#57606a;font-weight:normal}
.badge{display:inline-block;min-width:92px;text-align:center;border-radius:4px;padding:1px 6px;font:600 12px/18px ui-monospace,monospace;color:#fff}
.PASS{background:#1a7f37}.FAIL{background:#cf222e}.WARN{background:#bf8700}.SKIP{background:#8c959f}.INCONCLUSIVE{background:#6639ba}.FLAKY{background:#bc4c00}.NONE{background:#57606a;min-width:0}
.verdict{font-size:18px;min-width:120px}.lvl{font:600 11px ui-monospace,monospace;color:#57606a}
details.req,details.check{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:4px 0}
details>summary{cursor:pointer;padding:6px 10px}.body{padding:4px 14px 10px}
details.evidence{border-left:3px solid #d0d7de;margin:6px 0;padding-left:8px}.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:8px;overflow:auto;max-height:360px;white-space:pre-wrap;word-break:break-all;font-size:12px}
.ef{margin:2px 0 2px 12px}.ef span{display:inline-block;width:70px;color:#57606a}.reason{color:#6639ba}
.filters{position:sticky;top:0;background:#f6f8fa;padding:8px 0;z-index:1}.filters label{margin-right:12px}
.waiver{font-size:12px;color:#57606a}.waiver.expired{color:#cf222e;font-weight:600}
table.sum{border-collapse:collapse}table.sum td,table.sum th{border:1px solid #d0d7de;padding:2px 10px;text-align:right;background:#fff}
[hidden]{display:none!important}`;

const SCRIPT = `(function(){
var boxes=[].slice.call(document.querySelectorAll('.filters input[type=checkbox][data-outcome]'));
var scopeBox=document.getElementById('only-in-scope');var q=document.getElementById('search');
function apply(){var on={};boxes.forEach(function(b){on[b.dataset.outcome]=b.checked});var text=q.value.trim().toLowerCase();var shown=0;
[].slice.call(document.querySelectorAll('details.req,details.check')).forEach(function(el){
var ok=on[el.dataset.outcome]!==false&&(!text||el.dataset.search.indexOf(text)>=0);
if(el.classList.contains('req')&&scopeBox.checked&&el.dataset.inScope!=='true')ok=false;
el.hidden=!ok;if(ok&&el.classList.contains('req'))shown++});
document.getElementById('shown-count').textContent=String(shown)}
boxes.forEach(function(b){b.addEventListener('change',apply)});scopeBox.addEventListener('change',apply);q.addEventListener('input',apply);apply()})();`;

/** A single self-contained HTML report: per requirement, filterable, evidence expandable. */
export function renderHtml(report: ConformanceReport): string {
  const s = report.summary;
  const inScope = report.requirements.filter((r) => r.inScope);
  const order = ['FAIL', 'FLAKY', 'INCONCLUSIVE', 'WARN', 'PASS', 'SKIP'];
  const sorted = [...report.requirements].sort((a, b) => Number(b.inScope) - Number(a.inScope) || Number(b.covered) - Number(a.covered) || order.indexOf(a.outcome) - order.indexOf(b.outcome) || a.id.localeCompare(b.id));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>dvc-conformance ${esc(report.verdict)} — ${esc(report.target.url)}</title><style>${STYLE}</style></head>
<body><header><h1><span class="badge verdict ${report.verdict}" id="verdict">${report.verdict}</span> dvc-conformance report</h1>
<div class="muted">Target <code>${esc(report.target.url)}</code>${report.target.name ? ` (${esc(report.target.name)})` : ''} · profile <b>${esc(report.scope.profile)}</b> · online <b>${esc(report.scope.online)}</b> · binding <b>${esc(report.scope.binding)}</b> · seed ${report.seed}${report.shard ? ` · shard ${report.shard.index}/${report.shard.total}` : ''} · ${esc(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · ${esc(report.tool.name)} ${esc(report.tool.version)}</div>
${report.verdictReasons.length ? `<ul id="verdict-reasons">${report.verdictReasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}
<p>MUST requirements passed: <b id="must-passed">${s.mustPassed} / ${s.mustInScope}</b>${s.uncoveredMust ? ` · <b>${s.uncoveredMust}</b> MUST not covered by any check` : ''}</p>
<table class="sum"><tr><th></th>${OUTCOMES.map((o) => `<th><span class="badge ${o}">${o}</span></th>`).join('')}</tr>
<tr><th>requirements</th>${OUTCOMES.map((o) => `<td data-summary="requirements-${o}">${s.requirements[o]}</td>`).join('')}</tr>
<tr><th>checks</th>${OUTCOMES.map((o) => `<td data-summary="checks-${o}">${s.checks[o]}</td>`).join('')}</tr></table></header>
<main><div class="filters">${OUTCOMES.map((o) => `<label><input type="checkbox" data-outcome="${o}" checked> ${o}</label>`).join('')}
<label><input type="checkbox" id="only-in-scope" checked> in scope only</label>
<input type="search" id="search" placeholder="Filter: ID, title, area, check" size="32"> <span class="muted"><span id="shown-count">${inScope.length}</span> requirement(s) shown</span></div>
<h2>Requirements</h2><section id="requirements">${sorted.map((r) => requirementHtml(r, report)).join('\n')}</section>
${report.uncoveredMust.length ? `<h2>MUST requirements no check covers</h2><p id="uncovered">${report.uncoveredMust.map((id) => `<a href="#${id}">${id}</a>`).join(', ')}</p>` : ''}
<h2>Checks</h2><section id="checks">${report.checks.filter((c) => !c.deferred).map(checkHtml).join('\n')}</section>
</main><script>${SCRIPT}</script></body></html>
`;
}
