import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface RunningChild {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

/** Starts `dvc-reference-agency` (from source, through tsx) as a user would, and waits for /health. */
export async function startChild(env: Record<string, string>): Promise<RunningChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agency did not start:\n${err}`)), 60_000);
    const onData = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agency exited with ${code}:\n${err}`));
    });
  });
  const health = await fetch(`${url}/health`);
  if (health.status !== 200) throw new Error(`health answered ${health.status}`);
  return { url, child, stderr: () => err };
}

/** Kills the process without letting it shut down cleanly (SIGKILL), and waits for it to go. */
export async function killHard(running: RunningChild): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });
}
