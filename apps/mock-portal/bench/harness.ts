import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

/** Starts a bench/child-server.ts process; resolves with its URL. */
export function startChild(args: string[]): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./child-server.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) {
        resolve({
          url: m[1]!,
          child,
          stop: () => new Promise((r) => {
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`child server exited with ${code}`)));
  });
}

export interface Shot {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Runs `total` requests (or for `durationMs`) at `concurrency` over one keep-alive pool; `check` says whether an answer counts as OK. */
export async function drive(url: string, options: { concurrency: number; total?: number; durationMs?: number; next: (i: number) => Shot; check?: (i: number, status: number, body: string) => boolean }): Promise<{ requests: number; errors: number; seconds: number; rps: number; errorSamples: string[] }> {
  const pool = new Pool(url, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  let issued = 0;
  let errors = 0;
  const samples: string[] = [];
  const started = performance.now();
  const deadline = options.durationMs ? started + options.durationMs : Infinity;
  const worker = async () => {
    for (;;) {
      if (options.total !== undefined && issued >= options.total) return;
      if (performance.now() >= deadline) return;
      const i = issued++;
      const shot = options.next(i);
      try {
        const r = await pool.request({ method: shot.method, path: shot.path, headers: shot.headers, body: shot.body });
        const text = await r.body.text();
        const ok = options.check ? options.check(i, r.statusCode, text) : r.statusCode < 400;
        if (!ok) {
          errors++;
          if (samples.length < 5) samples.push(`${shot.method} ${shot.path} → ${r.statusCode} ${text.slice(0, 200)}`);
        }
      } catch (e) {
        errors++;
        if (samples.length < 5) samples.push(`${shot.method} ${shot.path} → ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: issued, errors, seconds, rps: issued / seconds, errorSamples: samples };
}
