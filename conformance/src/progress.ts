import type { ProgressEvent } from './runner.js';

export type ProgressMode = 'tty' | 'plain' | 'none';

/** TTY: one line rewritten in place; plain (CI, pipes): one line per finished check. */
export function progressPrinter(mode: ProgressMode, write: (text: string) => void): (event: ProgressEvent) => void {
  let started = Date.now();
  return (event) => {
    if (mode === 'none') return;
    if (event.type === 'start') {
      started = Date.now();
      if (mode === 'plain') write(`running ${event.total} checks\n`);
      return;
    }
    const { result, done, total } = event;
    if (mode === 'plain') {
      write(`${result.outcome.padEnd(12)} ${result.id} (${Math.round(result.durationMs)} ms)\n`);
      return;
    }
    const width = 24;
    const filled = Math.round((done / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${((Date.now() - started) / 1000).toFixed(1)}s ${result.outcome} ${result.id}`;
    write(`\r\u001b[2K${line.slice(0, 120)}`);
    if (result.outcome === 'FAIL' || result.outcome === 'FLAKY') write(`\n${result.outcome} ${result.id}\n`);
    if (done === total) write('\n');
  };
}

export function defaultProgressMode(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): ProgressMode {
  return stream.isTTY && !env.CI ? 'tty' : 'plain';
}
