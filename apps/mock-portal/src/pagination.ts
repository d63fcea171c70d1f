import { HttpProblem, PROBLEM, pointerError } from './problem.js';

/** Opaque cursors: base64url of the next offset, tied to the listing they came from. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, scope: string): { items: T[]; nextCursor: string | null } {
  const limit = query.has('limit') ? Number(query.get('limit')) : 50;
  let offset = 0;
  const cursor = query.get('cursor');
  if (cursor !== null) {
    const decoded = decodeCursor(cursor);
    if (!decoded || decoded.s !== scope) {
      throw new HttpProblem(PROBLEM.malformed, 'The cursor is not one this listing issued.', {
        errors: [pointerError('#/query/cursor', 'invalid-cursor', 'is not a cursor of this listing', 'Con trỏ phân trang không hợp lệ')],
      });
    }
    offset = decoded.o;
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(JSON.stringify({ o: offset + limit, s: scope })).toString('base64url') : null;
  return { items: page, nextCursor: next };
}

function decodeCursor(cursor: string): { o: number; s: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 && typeof v.s === 'string') return { o: v.o, s: v.s };
  } catch {
    // fall through
  }
  return undefined;
}
