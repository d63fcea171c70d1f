import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fetch as undiciFetch } from 'undici';
import { ConformanceError } from '../errors.js';
import type { SuiteFetch } from './transport-client.js';

/** A free TCP port on 127.0.0.1 (the system under test is told its port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A system started by `--start "<command>"`, in its own process group. */
export class SystemProcess {
  private readonly output: string[] = [];
  private exited: { code: number | null; signal: string | null } | undefined;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
    });
  }

  /** Runs `command` through the shell with `env` added to this process's environment. */
  static start(command: string, env: Record<string, string>): SystemProcess {
    const child = spawn(command, { shell: true, detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new SystemProcess(child);
  }

  /** The last lines the system printed (for error messages). */
  tail(lines = 20): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }

  /**
   * Waits until GET `${url}/health` answers 200, the process exits, or the timeout passes.
   * `fetch`: the run's (it trusts the run's CA and resolves the system's public host name).
   */
  async waitForHealth(url: string, timeoutMs: number, fetch: SuiteFetch = undiciFetch): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new ConformanceError('ERR_SYSTEM_START_FAILED', `The system under test exited (code ${this.exited.code}, signal ${this.exited.signal}) before it was healthy. Its last output:\n${this.tail()}`);
      }
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (error) {
        // undici's fetch says "fetch failed"; the reason is in the cause.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        last = cause ? [cause.code, cause.message].filter(Boolean).join(' ') : (error as Error).message;
      }
      // A refused connection on loopback costs next to nothing: look often, start the run soon after the system is up.
      await new Promise((r) => setTimeout(r, 25));
    }
    await this.stop();
    const hint = url.startsWith('https:') ? ` It was given DVC_TLS_CERT_FILE and DVC_TLS_KEY_FILE to serve HTTPS there; a system that only speaks plain HTTP can be run with --plain-http (the transport checks then SKIP).` : '';
    throw new ConformanceError('ERR_SYSTEM_START_FAILED', `The system under test did not answer 200 on ${url}/health within ${timeoutMs} ms (last: ${last}).${hint} Its last output:\n${this.tail()}`);
  }

  /** SIGTERM to the process group, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    await gone;
    clearTimeout(timer);
  }
}
