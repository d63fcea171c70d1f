#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createTestPki } from './test-pki.js';
import { loadTestPki, writeTestPki } from './test-pki-files.js';

const USAGE = `usage:
  dvc-kit-pki init <dir> [--base-url http://127.0.0.1:8733] [--ca-key rsa|ec]   write a new test PKI to <dir>
  dvc-kit-pki serve <dir>                                      serve its CRLs, OCSP and TSA until stopped`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'base-url': { type: 'string' }, 'ca-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, dir] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (!dir) {
    console.error(`dvc-kit-pki ${command}: missing <dir>\n${USAGE}`);
    return 2;
  }
  if (command === 'init') {
    // Certificates name the URL of their CRL and OCSP services, so it is fixed now.
    const baseUrl = values['base-url'] ?? 'http://127.0.0.1:8733';
    const caKey = (values['ca-key'] ?? 'rsa').toUpperCase();
    if (caKey !== 'RSA' && caKey !== 'EC') {
      console.error(`dvc-kit-pki init: --ca-key must be rsa or ec, got "${values['ca-key']}"`);
      return 2;
    }
    // On disk the PKI is made once, so it can afford the RSA CAs that real Vietnamese CAs use.
    const pki = await createTestPki({ serve: false, baseUrl, caKeyAlgorithm: caKey });
    const files = await writeTestPki(pki, dir);
    console.log(`test PKI written to ${dir} (${files.length} files); services expected at ${baseUrl}; run "dvc-kit-pki serve ${dir}"`);
    return 0;
  }
  if (command === 'serve') {
    const pki = await loadTestPki(dir, { serve: true });
    console.log(`serving test PKI from ${dir} at ${pki.urls.base} (CRL ${pki.urls.crl.governmentCa}, OCSP ${pki.urls.ocsp.governmentCa}, TSA ${pki.urls.tsa})`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      setInterval(() => undefined, 1 << 30);
    });
    await pki.close();
    return 0;
  }
  console.error(`dvc-kit-pki: unknown command "${command}"\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`dvc-kit-pki: ${(e as Error).message}`);
    process.exit(1);
  },
);
