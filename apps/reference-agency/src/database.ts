import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Schema migrations, applied in order once each (PRAGMA user_version counts them). */
const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE code_counters (agency TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (agency, day));
   CREATE TABLE dossiers (
     code TEXT PRIMARY KEY,
     national_ref TEXT NOT NULL,
     agency TEXT NOT NULL,
     procedure_code TEXT NOT NULL,
     owner_ids TEXT NOT NULL,
     status TEXT NOT NULL,
     data TEXT NOT NULL,
     awaiting TEXT,
     paid INTEGER NOT NULL DEFAULT 0,
     next_step_at INTEGER,
     ended_at TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX dossiers_national_ref ON dossiers (national_ref);
   CREATE INDEX dossiers_next_step ON dossiers (next_step_at) WHERE next_step_at IS NOT NULL;
   CREATE TABLE steps (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL REFERENCES dossiers (code), status TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX steps_code ON steps (code, id);
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     code TEXT NOT NULL,
     step_id INTEGER,
     snapshot TEXT NOT NULL,
     idempotency_key TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending',
     due_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     delivered_at INTEGER
   );
   CREATE INDEX outbox_pending ON outbox (state, due_at);
   CREATE TABLE idempotency (
     operation TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, state TEXT NOT NULL,
     status INTEGER, headers TEXT, body TEXT, created_at INTEGER NOT NULL,
     PRIMARY KEY (operation, key)
   );
   CREATE TABLE feedback (id TEXT PRIMARY KEY, code TEXT, data TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, assigned_unit TEXT NOT NULL, deadline TEXT NOT NULL, answer TEXT);
   CREATE INDEX feedback_code ON feedback (code);
   CREATE TABLE payments (transaction_key TEXT PRIMARY KEY, payment_id TEXT NOT NULL, code TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL, received_at INTEGER NOT NULL);`,
  // Answers to feedback are sent to the national portal (DVC-FBK-002) through their own queue.
  `ALTER TABLE feedback ADD COLUMN push_state TEXT;
   ALTER TABLE feedback ADD COLUMN push_due INTEGER;
   ALTER TABLE feedback ADD COLUMN push_attempts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE feedback ADD COLUMN push_error TEXT;`,
  // Owners' satisfaction evaluations, one per dossier, queued for the portal (DVC-EVAL-001/002).
  `CREATE TABLE evaluations (
     code TEXT PRIMARY KEY REFERENCES dossiers (code),
     data TEXT NOT NULL,
     push_state TEXT NOT NULL DEFAULT 'pending',
     push_due INTEGER NOT NULL,
     push_attempts INTEGER NOT NULL DEFAULT 0,
     push_error TEXT
   );`,
  // Citizen accounts, one per portal identity (DVC-SSO-006); feedback answered on the officials' schedule (DVC-FBK-003).
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     tech_id TEXT,
     sub TEXT NOT NULL,
     so_dinh_danh TEXT,
     ho_va_ten TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   ALTER TABLE feedback ADD COLUMN answer_due INTEGER;
   CREATE INDEX dossiers_created ON dossiers (created_at, code);`,
  // The push queue is read on every wakeup: the head of each dossier's queue by index, not by scan.
  `CREATE INDEX outbox_code_pending ON outbox (code, state, id);`,
];

/** Opens (creating if needed) the system's SQLite database in `dataDir` and migrates it. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'reference-agency.sqlite'));
  // WAL keeps readers going while a write commits; NORMAL is durable across process crashes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Statements are compiled once per SQL text: the push queue and the officials run the same few queries on every wakeup.
  // (Only run/get/all are used, never iterate, so a cached statement is never in use twice at once.)
  const compile = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = compile(sql)));
    return stmt;
  }) as typeof db.prepare;
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}

/** A value kept in the meta table, created on first use (e.g. the install id). */
export function metaValue(db: Db, key: string, create: () => string): string {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  if (row) return row.value;
  const value = create();
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
}
