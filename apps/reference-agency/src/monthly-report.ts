import type { StatisticsReport } from '@dvc-kit/spec';
import { metaValue, type Db } from './database.js';
import type { DossierStore } from './dossier-store.js';
import type { PushOutcome } from './portal-sync.js';
import { computeStatistics } from './statistics.js';
import { toIsoDate } from './vietnam-time.js';

/** The calendar month before the one `at` falls in (Vietnam time), as a statistics period. */
export function previousMonth(at: Date): StatisticsReport['period'] {
  const [y, m] = toIsoDate(at).split('-').map(Number) as [number, number];
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { kind: 'month', from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

export type ReportSender = (report: StatisticsReport, idempotencyKey: string) => Promise<PushOutcome>;

/**
 * Submits the report of each month to the national portal once the month is over
 * (TT 02/2017/TT-VPCP Chương III; DVC-STAT-002): checked at start and every hour; a month is
 * marked done in the database only when the portal accepted it, so a failure is retried.
 */
export class MonthlyReports {
  readonly #db: Db;
  readonly #store: DossierStore;
  readonly #agencyCode: string;
  readonly #send: ReportSender;
  readonly #log: ((line: string) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(db: Db, store: DossierStore, agencyCode: string, send: ReportSender, log?: (line: string) => void) {
    this.#db = db;
    this.#store = store;
    this.#agencyCode = agencyCode;
    this.#send = send;
    this.#log = log;
  }

  start(everyMs = 3600_000): void {
    void this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), everyMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  /** Submits last month's report if it has not been accepted yet; answers whether it is done. */
  runOnce(now = new Date()): Promise<void> {
    this.#running ??= this.#submit(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** The months whose reports the portal accepted. */
  submitted(): string[] {
    return (this.#db.prepare(`SELECT key FROM meta WHERE key LIKE 'report:%' ORDER BY key`).all() as { key: string }[]).map((r) => r.key.slice(7));
  }

  async #submit(now: Date): Promise<void> {
    const period = previousMonth(now);
    const key = `report:${period.from.slice(0, 7)}`;
    if (this.#db.prepare('SELECT 1 FROM meta WHERE key = ?').get(key)) return;
    const report = computeStatistics(this.#store.all(), this.#agencyCode, period);
    const installId = metaValue(this.#db, 'install-id', () => 'unknown');
    const outcome = await this.#send(report, `${installId}:${key}`).catch((e: unknown): PushOutcome => ({ ok: false, retryable: true, error: String(e) }));
    if (outcome.ok) this.#db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, new Date().toISOString());
    else this.#log?.(`statistics report ${period.from}…${period.to} not accepted: ${outcome.error}`);
  }
}
