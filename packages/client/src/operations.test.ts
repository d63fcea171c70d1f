import { listOperations } from '@dvc-kit/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingBearerProvider } from '../test/fixtures.js';
import { json, startServer, type TestServer } from '../test/server.js';
import { createAgencySystemClient } from './agency-system-client.js';
import { createNationalPortalClient } from './national-portal-client.js';
import { operationTable } from './operations.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => json(res, 200, { items: [], nextCursor: null }));
});
afterAll(() => server.close());

const options = () => ({ baseUrl: server.url, auth: countingBearerProvider(), signer: async () => 'aGVhZGVy..c2ln', retries: 0 });

describe('every operation of both documents', () => {
  for (const document of ['national-portal', 'agency-system'] as const) {
    it(`${document}: call(operationId) sends the document's method and path, with the headers it requires`, async () => {
      const client = document === 'national-portal' ? createNationalPortalClient(options()) : createAgencySystemClient(options());
      const ops = listOperations(document);
      expect(ops.length).toBeGreaterThan(10);
      for (const op of ops) {
        const runtime = operationTable(document).get(op.operationId)!;
        const path = Object.fromEntries(runtime.pathParams.map((p) => [p, `v-${p}`]));
        const input = { path, ...(runtime.requestContentType ? { body: { probe: op.operationId } } : {}), accessToken: 'citizen', session: 'citizen-session' };
        server.requests.length = 0;
        await (client.call as (id: string, input: unknown) => Promise<unknown>)(op.operationId, input);
        const seen = server.requests[0]!;
        expect(`${seen.method} ${seen.url}`, op.operationId).toBe(`${op.method.toUpperCase()} ${op.path.replace(/\{([^}]+)\}/g, (_, p: string) => `v-${p}`)}`);
        expect(seen.headers['idempotency-key'] !== undefined, `${op.operationId} Idempotency-Key`).toBe(op.idempotencyKey);
        expect(seen.headers['x-dvc-signature'] !== undefined, `${op.operationId} X-DVC-Signature`).toBe(op.signed);
        expect(seen.headers['authorization'] === undefined, `${op.operationId} security`).toBe(runtime.security === 'none' || runtime.security === 'session');
        expect(seen.headers['cookie'], `${op.operationId} session cookie`).toBe(runtime.security === 'session' ? `${runtime.sessionCookie}=citizen-session` : undefined);
      }
      await client.close();
    });
  }
});
