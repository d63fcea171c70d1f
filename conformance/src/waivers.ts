import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

/** An accepted, time-limited exception for one requirement. */
export interface Waiver {
  requirement: string;
  reason: string;
  /** Last day the waiver holds, `YYYY-MM-DD` (inclusive). */
  expires: string;
}

export interface WaiverStatus extends Waiver {
  expired: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates a parsed waivers document: either a list or `{ waivers: [...] }`, each with
 * requirement, reason and expires. Errors name the entry and what was wrong.
 */
export function parseWaivers(doc: unknown, source = 'waivers'): Waiver[] {
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { waivers?: unknown }).waivers) ? (doc as { waivers: unknown[] }).waivers : undefined;
  if (!list) throw new UsageError(`${source}: expected a list of waivers or { waivers: [...] }.`, 'ERR_WAIVERS_INVALID');
  return list.map((raw, i) => {
    const w = raw as Partial<Record<keyof Waiver, unknown>>;
    const where = `${source}: waiver #${i + 1}`;
    if (!w || typeof w !== 'object') throw new UsageError(`${where} must be an object.`, 'ERR_WAIVERS_INVALID');
    if (typeof w.requirement !== 'string' || !/^DVC-[A-Z]+-\d{3}$/.test(w.requirement)) {
      throw new UsageError(`${where}: "requirement" must be a requirement ID such as DVC-RATE-001, got ${JSON.stringify(w.requirement)}.`, 'ERR_WAIVERS_INVALID');
    }
    if (typeof w.reason !== 'string' || w.reason.trim() === '') throw new UsageError(`${where} (${w.requirement}): "reason" must say why the requirement is waived.`, 'ERR_WAIVERS_INVALID');
    const expires = w.expires instanceof Date ? w.expires.toISOString().slice(0, 10) : w.expires;
    if (typeof expires !== 'string' || !DATE.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) {
      throw new UsageError(`${where} (${w.requirement}): "expires" must be a date YYYY-MM-DD, got ${JSON.stringify(w.expires)}.`, 'ERR_WAIVERS_INVALID');
    }
    return { requirement: w.requirement, reason: w.reason, expires };
  });
}

export async function loadWaivers(path: string): Promise<Waiver[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the waivers file ${path}: ${(error as Error).message}`, 'ERR_WAIVERS_INVALID');
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new UsageError(`The waivers file ${path} is not valid YAML or JSON: ${(error as Error).message}`, 'ERR_WAIVERS_INVALID');
  }
  return parseWaivers(doc, path);
}

/** A waiver has expired once its last day is over (in UTC+7, the standard's time zone). */
export function waiverStatus(waiver: Waiver, now: Date): WaiverStatus {
  const endOfLastDay = Date.parse(`${waiver.expires}T23:59:59.999+07:00`);
  return { ...waiver, expired: now.getTime() > endOfLastDay };
}
