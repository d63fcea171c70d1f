import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignatureError } from './errors.js';
import { createTestPki, type CreateTestPkiOptions, type TestPki, type TestPkiSnapshot } from './test-pki.js';

const SNAPSHOT = 'pki.json';

/**
 * Save a test PKI to `dir`: `pki.json` (to reload it) and PEM files for other tools
 * (`trust-anchors.pem`, `<party>.crt.pem`, `<party>.chain.pem`, `<party>.key.pem`).
 *
 * @example
 * await writeTestPki(pki, './pki');
 */
export async function writeTestPki(pki: TestPki, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {
    [SNAPSHOT]: `${JSON.stringify(pki.toJSON(), null, 2)}\n`,
    'trust-anchors.pem': pki.trustAnchors.join(''),
  };
  const parties = { root: pki.root, 'government-ca': pki.governmentCa, 'public-ca': pki.publicCa, agency: pki.agency, citizen: pki.citizen, tsa: pki.tsa };
  for (const [name, p] of Object.entries(parties)) {
    files[`${name}.crt.pem`] = p.certificatePem;
    files[`${name}.key.pem`] = p.privateKeyPem;
    if (p.chainPem.length > 1) files[`${name}.chain.pem`] = p.chainPem.join('');
  }
  // Private keys of a test PKI are not secrets, but keep them owner-readable anyway.
  await Promise.all(Object.entries(files).map(([f, text]) => writeFile(join(dir, f), text, { mode: f.endsWith('.key.pem') ? 0o600 : 0o644 })));
  return Object.keys(files).map((f) => join(dir, f));
}

/**
 * Reload a test PKI written by {@link writeTestPki} or `dvc-kit-pki init`. When it
 * serves, it listens on the port written in its certificates.
 */
export async function loadTestPki(dir: string, options: Omit<CreateTestPkiOptions, 'snapshot' | 'baseUrl' | 'validFrom'> = {}): Promise<TestPki> {
  let snapshot: TestPkiSnapshot;
  try {
    snapshot = JSON.parse(await readFile(join(dir, SNAPSHOT), 'utf8')) as TestPkiSnapshot;
  } catch (cause) {
    throw new SignatureError('ERR_SIGNATURE_TEST_PKI', `no test PKI in ${dir}: cannot read ${SNAPSHOT} (${(cause as Error).message}); create one with "dvc-kit-pki init ${dir}"`, { cause });
  }
  if (snapshot.version !== 1 || !snapshot.parties?.root) {
    throw new SignatureError('ERR_SIGNATURE_TEST_PKI', `${join(dir, SNAPSHOT)} is not a dvc-kit test PKI snapshot (version 1)`);
  }
  return createTestPki({ ...options, snapshot });
}
