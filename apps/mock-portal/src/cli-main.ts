import { readFile } from 'node:fs/promises';
import type { SecureVersion } from 'node:tls';
import { parseArgs } from 'node:util';
import { loadTestPki } from '@dvc-kit/signature';
import { describeAdminAccess, type AdminAccessOptions } from './admin-access.js';
import { startMockPortal } from './mock-portal.js';

const HELP = `dvc-mock-portal — the national public service portal, mocked (both bindings, OIDC, admin API)

Usage: dvc-mock-portal [--port 4010] [--host 127.0.0.1] [--seed 1] [--data-dir DIR] [--pki-dir DIR] [--public-url URL]
                       [--tls-cert FILE --tls-key FILE [--tls-min-version TLSv1.2]]
                       [--admin-from loopback|any] [--admin-token TOKEN]

  --port        port to listen on (default 4010; 0 = any free port)
  --host        address to bind (default 127.0.0.1)
  --seed        seed of generated ids, seeded data and faults (default 1)
  --data-dir    keep the store and the test citizens added over the admin API in DIR
                (append-only, fsync before acknowledging; replayed on start)
  --pki-dir     use the test PKI saved in DIR (dvc-kit-pki / writeTestPki) instead of a fresh one
  --public-url  the URL callers use, when not http://host:port
  --tls-cert    serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key
  --tls-key     the PEM private key of --tls-cert
  --tls-min-version  lowest TLS version accepted: TLSv1.2 (default) or TLSv1.3
  --admin-from  who may call the admin API and open the dashboard: loopback (default: peers
                on this machine only) or any (every peer that reaches --host)
  --admin-token require Authorization: Bearer TOKEN on every admin call, from any peer
                (default: env MOCK_PORTAL_ADMIN_TOKEN; the environment keeps it out of ps)
Admin API: /__admin/systems, /__admin/journal(.har), /__admin/faults, /__admin/forward/*; dashboard: /__dashboard
`;

/** Parses the arguments, starts the portal, and stops it on SIGINT/SIGTERM. */
export async function runCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '4010' },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      seed: { type: 'string', default: '1' },
      'data-dir': { type: 'string' },
      'public-url': { type: 'string' },
      'pki-dir': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-min-version': { type: 'string', default: 'TLSv1.2' },
      'admin-from': { type: 'string' },
      'admin-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${values.port}`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
  const minVersion = values['tls-min-version'];
  if (minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') throw new Error(`--tls-min-version must be TLSv1.2 or TLSv1.3, got ${minVersion}`);
  const adminFrom = values['admin-from'];
  if (adminFrom !== undefined && adminFrom !== 'loopback' && adminFrom !== 'any') throw new Error(`--admin-from must be loopback or any, got ${adminFrom}`);
  if (values['admin-token'] === '') throw new Error('--admin-token must not be empty');
  const adminToken = values['admin-token'] ?? (process.env.MOCK_PORTAL_ADMIN_TOKEN || undefined);
  const admin: AdminAccessOptions = { ...(adminFrom ? { from: adminFrom } : {}), ...(adminToken ? { token: adminToken } : {}) };
  const tls = values['tls-cert'] && values['tls-key'] ? { cert: await readFile(values['tls-cert'], 'utf8'), key: await readFile(values['tls-key'], 'utf8'), minVersion: minVersion as SecureVersion } : undefined;
  const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
  const pki = values['pki-dir'] ? await loadTestPki(values['pki-dir'], { serve: false }) : undefined;
  const portal = await startMockPortal({
    ...(pki ? { pki } : {}),
    port,
    host: values.host,
    seed,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(tls ? { tls } : {}),
    admin,
  });
  process.stdout.write(`dvc-mock-portal listening on ${portal.url} (dashboard ${portal.url}/__dashboard)\n`);
  process.stdout.write(`dvc-mock-portal: admin API and dashboard answer ${describeAdminAccess(admin)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`dvc-mock-portal: ${signal}, closing\n`);
    portal.close().then(() => pki?.close()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
