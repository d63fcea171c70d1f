import type { JournalView } from './journal.js';

function nameValues(record: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

/** The journal as a HAR 1.2 log (redacted, like every journal view). */
export function toHar(entries: readonly JournalView[], baseUrl: string): Record<string, unknown> {
  return {
    log: {
      version: '1.2',
      creator: { name: '@dvc-kit/mock-portal', version: '0.1.0' },
      entries: entries.map((e) => {
        const requestText = e.request.body === null ? undefined : typeof e.request.body === 'string' ? e.request.body : JSON.stringify(e.request.body);
        const responseText = e.response.body === null ? '' : typeof e.response.body === 'string' ? e.response.body : JSON.stringify(e.response.body);
        const request: Record<string, unknown> = {
          method: e.method,
          url: `${baseUrl}${e.path}${e.query ? `?${e.query}` : ''}`,
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: nameValues(e.request.headers),
          queryString: [...new URLSearchParams(e.query)].map(([name, value]) => ({ name, value })),
          headersSize: -1,
          bodySize: requestText === undefined ? 0 : Buffer.byteLength(requestText),
        };
        if (requestText !== undefined) request.postData = { mimeType: e.request.headers['content-type'] ?? 'application/octet-stream', text: requestText };
        return {
          startedDateTime: e.startedAt,
          time: e.durationMs,
          request,
          response: {
            status: e.status,
            statusText: '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: nameValues(e.response.headers),
            content: { size: Buffer.byteLength(responseText), mimeType: e.response.headers['content-type'] ?? 'application/octet-stream', text: responseText },
            redirectURL: e.response.headers.location ?? '',
            headersSize: -1,
            bodySize: Buffer.byteLength(responseText),
          },
          cache: {},
          timings: { send: 0, wait: e.durationMs, receive: 0 },
          _operationId: e.operationId,
          _valid: e.valid,
          _errors: e.errors,
          _fault: e.fault,
        };
      }),
    },
  };
}
