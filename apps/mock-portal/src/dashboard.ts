import { dossierStateMachine } from '@dvc-kit/spec';
import type { MockPortalCore } from './portal.js';

function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2733}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:2px solid #c8102e}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d5dbe3;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f1f4f8}
tr.invalid td{background:#fde8e8}tr.fault td{background:#fff6db}.status-ok{color:#1a7f37}.status-err{color:#c8102e;font-weight:600}ol.timeline{margin:0;padding-left:1.2rem}
code{font-size:12px}.muted{color:#6b7785}`;

/**
 * The dashboard (server-rendered HTML, no script): registered systems, dossiers with their
 * timelines, the journal with validation failures highlighted, and the fault settings.
 */
export function renderDashboard(core: MockPortalCore, refreshSeconds?: number): string {
  const systems = [...core.store.systems.values()];
  const dossiers = [...core.store.dossiers.values()].slice(-100).reverse();
  const journal = core.journal.query({ limit: 100 }).reverse();
  const faults = core.faults.settings();
  const label = (s: string) => `${s} ${dossierStateMachine.labels[s as '1']?.vi ?? ''}`;
  const counts = core.store.counts();
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8">${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}<title>Mock Cổng DVC quốc gia — dashboard</title><style>${STYLE}</style></head><body>
<h1>Cổng Dịch vụ công quốc gia — mock <span class="muted">${esc(core.url)}</span></h1>
<p class="muted">${refreshSeconds ? `Refreshing every ${refreshSeconds} s — <a href="/__dashboard">stop</a>` : '<a href="/__dashboard?refresh=5">Refresh every 5 s</a>'}</p>
<p id="counts">${Object.entries(counts).map(([k, v]) => `<span data-count="${esc(k)}">${esc(k)}: <b>${v}</b></span>`).join(' · ')}</p>
<h2>Registered systems (${systems.length})</h2>
<table id="systems"><thead><tr><th>Client id</th><th>Agency</th><th>Name</th><th>Callback</th><th>Keys</th><th>Registered</th></tr></thead><tbody>
${systems.map((s) => `<tr data-client-id="${esc(s.clientId)}"><td><code>${esc(s.clientId)}</code></td><td>${esc(s.agencyCode)}</td><td>${esc(s.name)}</td><td>${esc(s.callbackBaseUrl ?? '—')}</td><td>${s.certificatePem ? 'certificate' : ''} ${s.jwks ? 'JWKS' : ''} ${s.clientSecret ? 'secret' : ''}</td><td>${esc(s.createdAt)}</td></tr>`).join('\n') || '<tr><td colspan="6" class="muted">none yet — POST /__admin/systems</td></tr>'}
</tbody></table>
<h2>Dossiers (${counts.dossiers})</h2>
<table id="dossiers"><thead><tr><th>MaHoSo</th><th>Procedure</th><th>Status</th><th>Version</th><th>Timeline</th></tr></thead><tbody>
${dossiers.map((r) => `<tr data-ma-ho-so="${esc(r.dossier.MaHoSo)}"><td><code>${esc(r.dossier.MaHoSo)}</code></td><td>${esc(r.dossier.MaTTHC)} ${esc(r.dossier.TenTTHC)}</td><td class="status">${esc(label(r.dossier.TrangThaiHoSo))}</td><td>${r.version}</td><td><ol class="timeline">${r.history.map((h) => `<li>${esc(h.ThoiDiemXuLy)} — ${esc(label(h.TrangThai))}: ${esc(h.NoiDungXuLy)} <span class="muted">(${esc(h.PhongBanXuLy ?? '')})</span></li>`).join('')}</ol></td></tr>`).join('\n') || '<tr><td colspan="5" class="muted">none yet</td></tr>'}
</tbody></table>
<h2>Journal (last ${journal.length} of ${core.journal.size})</h2>
<table id="journal"><thead><tr><th>#</th><th>Time</th><th>Request</th><th>Operation</th><th>Client</th><th>Status</th><th>Request</th><th>Answer vs spec</th></tr></thead><tbody>
${journal.map((e) => `<tr class="${e.valid === false ? 'invalid' : e.fault ? 'fault' : ''}" data-id="${e.id}"><td>${e.id}</td><td>${esc(e.startedAt.slice(11, 23))}</td><td><code>${esc(e.method)} ${esc(e.path)}${e.query ? `?${esc(e.query)}` : ''}</code></td><td>${esc(e.operationId ?? '—')}</td><td>${esc(e.clientId ?? '')}</td><td class="${e.status < 400 ? 'status-ok' : 'status-err'}">${e.status}${e.fault ? ` <span class="muted">fault: ${esc(e.fault)}</span>` : ''}</td><td>${e.valid === false ? `<ul>${e.errors.map((x) => `<li><code>${esc(x.pointer)}</code> ${esc(x.message.en)}</li>`).join('')}</ul>` : e.valid ? 'valid' : '—'}</td><td class="${e.responseValid === false ? 'status-err' : ''}">${e.responseValid === null ? '—' : e.responseValid ? 'conforms' : `<ul>${e.responseErrors.map((x) => `<li><code>${esc(x.pointer)}</code> ${esc(x.message.en)}</li>`).join('')}</ul>`}</td></tr>`).join('\n') || '<tr><td colspan="8" class="muted">no requests yet</td></tr>'}
</tbody></table>
<h2>Faults</h2>
<div id="faults">${faults.rules.length === 0 ? '<p class="muted">No faults injected — PUT /__admin/faults</p>' : `<p>seed <code>${esc(faults.seed)}</code></p><pre>${esc(JSON.stringify(faults.rules, null, 2))}</pre>`}</div>
</body></html>`;
}
