import { UsageError } from './errors.js';

/** `--shard i/n`: this run takes every n-th check starting at the i-th (1-based). */
export interface Shard {
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new UsageError(`--shard expects i/n with 1 ≤ i ≤ n (e.g. 2/4), got "${text}".`, 'ERR_SHARD_INVALID');
  }
  return { index, total };
}

/** Round-robin so that slow areas spread over the shards. */
export function inShard(position: number, shard: Shard): boolean {
  return position % shard.total === shard.index - 1;
}
