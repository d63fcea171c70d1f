import { ClientError } from './errors.js';

/** One page of a cursor-paginated list: `{ items, nextCursor }` (null on the last page). */
export interface CursorPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * Every item of a cursor-paginated list, fetching the next page only when the consumer asks for
 * more (so a `break` stops the fetching). A server that answers the same cursor again is an error,
 * not an endless loop.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>, startCursor?: string): AsyncGenerator<T, void, undefined> {
  let cursor = startCursor;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    for (const item of page.items) yield item;
    const next = page.nextCursor ?? null;
    if (next === null || next === '') return;
    if (seen.has(next)) throw new ClientError('CLIENT_PAGINATION_LOOP', `the server answered cursor ${JSON.stringify(next)} twice; stopping instead of looping`);
    seen.add(next);
    cursor = next;
  }
}
