// Runs a bulk sync with a file checkpoint; the test kills it with SIGKILL half way and runs it again.
import { createNationalPortalClient, fileCheckpoint } from '../src/index.js';
import { dossierSource } from './fixtures.js';

const [url, checkpointPath, countText] = process.argv.slice(2);
const count = Number(countText);
const client = createNationalPortalClient({
  baseUrl: url!,
  auth: { getCredential: async () => ({ type: 'bearer', token: 't', expiresAt: Date.now() + 60_000 }), invalidate: () => undefined },
  signer: async () => 'eyJhbGciOiJFUzI1NiJ9..c2ln',
  retries: { maxRetries: 5, baseDelayMs: 5 },
});
const summary = await client.syncDossiers(dossierSource(count), { batchSize: 100, concurrency: 4, checkpoint: fileCheckpoint(checkpointPath!) });
await client.close();
process.stdout.write(JSON.stringify(summary));
