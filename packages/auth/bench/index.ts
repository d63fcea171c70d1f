/**
 * `npm run bench`: what the token cache saves, measured against a token request per call on the
 * same loopback server in the same run, and what each assertion algorithm costs against RS256.
 * Figures are ratios; absolute numbers depend on the machine.
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startAuthServer } from '../test/oauth-server.js';
import { clientCredentials, createClientAssertion, importSigningKey, type SigningAlgorithm } from '../src/index.js';

async function opsPerSecond(label: string, iterations: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(20, iterations); i++) await run(); // warm up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  const ops = iterations / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(44)} ${ops.toFixed(0).padStart(10)} ops/s`);
  return ops;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const server = await startAuthServer();
server.register({ clientId: 'BENCH.RSA', publicJwk: rsa.publicKey.export({ format: 'jwk' }) });

try {
  console.log('token cache (loopback token endpoint, RS256 private_key_jwt)');
  const uncached = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'BENCH.RSA', privateKey: rsa.privateKey });
  const baseline = await opsPerSecond('baseline: a token request per call', 200, async () => {
    uncached.invalidate(await uncached.getCredential());
  });
  const cached = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'BENCH.RSA', privateKey: rsa.privateKey });
  const hit = await opsPerSecond('getCredential from the cache', 200_000, () => cached.getCredential());
  console.log(`  ratio cached / baseline: ${(hit / baseline).toFixed(0)}x`);

  console.log('single-flight (100 concurrent callers, nothing cached yet)');
  const before = server.tokenRequests;
  const burst = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'BENCH.RSA', privateKey: rsa.privateKey });
  await Promise.all(Array.from({ length: 100 }, () => burst.getCredential()));
  const made = server.tokenRequests - before;
  console.log(`  token requests: ${made} (baseline without single-flight: 100; ratio ${(made / 100).toFixed(2)})`);

  console.log('client assertion signing (no network)');
  const keys: Array<[SigningAlgorithm, ReturnType<typeof importSigningKey>]> = [
    ['RS256', importSigningKey(rsa.privateKey, { alg: 'RS256' })],
    ['PS256', importSigningKey(rsa.privateKey, { alg: 'PS256' })],
    ['ES256', importSigningKey(ec.privateKey)],
  ];
  let rs256 = 0;
  for (const [alg, signingKey] of keys) {
    const ops = await opsPerSecond(alg, 2_000, () =>
      createClientAssertion({ clientId: 'BENCH', audience: server.tokenEndpoint, signingKey }),
    );
    if (alg === 'RS256') rs256 = ops;
    console.log(`  ratio ${alg} / RS256: ${(ops / rs256).toFixed(2)}`);
  }
} finally {
  await server.close();
}
