import { describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from './journal.js';

const entry = (path: string): Omit<JournalEntry, 'id'> => ({
  requestId: path, startedAt: Date.now(), durationMs: 1, method: 'GET', path, query: '', operationId: undefined, clientId: undefined,
  requestHeaders: {}, requestBody: undefined, status: 200, responseHeaders: {}, responseBody: '', valid: undefined, errors: [], fault: undefined,
});

describe('Journal', () => {
  it('tells subscribers of each entry as it is added, until they unsubscribe', () => {
    const j = new Journal(10);
    const seen: string[] = [];
    const off = j.subscribe((e) => seen.push(`${e.id}:${e.path}`));
    j.subscribe(() => {
      throw new Error('a failing listener does not stop the journal');
    });
    j.add(entry('/a'));
    j.add(entry('/b'));
    off();
    j.add(entry('/c'));
    expect(seen).toEqual(['1:/a', '2:/b']);
    expect(j.size).toBe(3);
  });

  it('gives the entries after an id, also once the ring has wrapped', () => {
    const j = new Journal(4);
    for (const p of ['/1', '/2', '/3', '/4', '/5', '/6']) j.add(entry(p));
    expect(j.since(4).map((e) => e.path)).toEqual(['/5', '/6']);
    expect(j.since(0).map((e) => e.path)).toEqual(['/3', '/4', '/5', '/6']);
    expect(j.since(6)).toEqual([]);
    expect(j.nextEntryId).toBe(7);
  });
});
