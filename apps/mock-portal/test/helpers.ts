import { request } from 'undici';
import type { Send } from './scenario.js';

/** HTTP over undici, headers flattened. */
export const send: Send = async (method, url, init = {}) => {
  const r = await request(url, { method: method as 'GET', headers: init.headers, body: init.body });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: r.statusCode, headers, text: await r.body.text() };
};

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const r = await send('POST', url, { headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, body: r.text ? JSON.parse(r.text) : undefined };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const r = await send('GET', url, { headers });
  return { status: r.status, headers: r.headers, body: r.text && r.headers['content-type']?.includes('json') ? JSON.parse(r.text) : r.text };
}
