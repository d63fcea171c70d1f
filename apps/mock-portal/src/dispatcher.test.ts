import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { MockPortalDispatcher } from './dispatcher.js';
import type { PortalRequest, PortalResponse } from './types.js';

const echo = async (req: PortalRequest): Promise<PortalResponse> => ({
  status: 201,
  headers: { 'content-type': 'application/json', 'x-seen-method': req.method },
  body: JSON.stringify({ path: req.path, q: req.query.get('q'), auth: req.headers.authorization ?? null, body: req.body ? Buffer.from(req.body).toString() : null }),
});

describe('MockPortalDispatcher', () => {
  it('serves undici.request (legacy handler API) with headers and body', async () => {
    const dispatcher = new MockPortalDispatcher(echo);
    const r = await request('http://portal.test/v1/x?q=1', { method: 'POST', dispatcher, headers: { Authorization: 'Bearer t' }, body: 'hello' });
    expect(r.statusCode).toBe(201);
    expect(r.headers['x-seen-method']).toBe('POST');
    expect(await r.body.json()).toEqual({ path: '/v1/x', q: '1', auth: 'Bearer t', body: 'hello' });
  });

  it('speaks the undici 7 handler API (onRequestStart … onResponseEnd)', async () => {
    const dispatcher = new MockPortalDispatcher(echo);
    const events: string[] = [];
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: () => events.push('start'),
        onResponseStart: (_c, status, headers) => events.push(`response ${status} ${String(headers['content-type'])}`),
        onResponseData: (_c, chunk) => void chunks.push(chunk),
        onResponseEnd: () => {
          events.push('end');
          resolve();
        },
        onResponseError: (_c, e) => reject(e),
      };
      dispatcher.dispatch({ origin: 'http://portal.test', path: '/v1/y', method: 'GET', headers: ['x-a', '1'] }, handler);
    });
    expect(events).toEqual(['start', 'response 201 application/json', 'end']);
    expect(JSON.parse(Buffer.concat(chunks).toString()).path).toBe('/v1/y');
  });

  it('turns a reset fault into a socket error and refuses work once closed', async () => {
    const dispatcher = new MockPortalDispatcher(async () => ({ status: 0, headers: {}, body: '', reset: true }));
    await expect(request('http://portal.test/', { dispatcher })).rejects.toThrow(/other side closed/);
    await dispatcher.close();
    expect(() => dispatcher.dispatch({ origin: 'http://portal.test', path: '/', method: 'GET' }, {})).toThrow();
  });
});
