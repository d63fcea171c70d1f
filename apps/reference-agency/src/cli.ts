#!/usr/bin/env node
import { startReferenceAgency } from './app.js';
import { loadConfig } from './config.js';
import { AgencyError } from './errors.js';
import { MUTANTS } from './mutants.js';

const USAGE = `dvc-reference-agency — reference province one-stop system (dvc-kit)

Configured only by environment variables (the onboarding contract):
  DVC_PORTAL_URL, DVC_BINDING (rest|dvcqg), DVC_CLIENT_ID, DVC_AGENCY_CODE,
  DVC_CLIENT_KEY_FILE, DVC_CLIENT_CERT_FILE, DVC_TRUST_ANCHORS_FILE,
  DVC_DVCQG_USERNAME, DVC_DVCQG_PASSWORD (dvcqg), HOST, PORT, DVC_DATA_DIR,
  DVC_PUBLIC_URL, DVC_STEP_INTERVAL_MS, DVC_SUPPLEMENT_DEADLINE_MS, DVC_REVOCATION_MODE,
  DVC_REVOCATION_CACHE_MS, DVC_PUBLIC_LOOKUP_LIMIT, DVC_TLS_CERT_FILE, DVC_TLS_KEY_FILE,
  DVC_PORTAL_CA_FILE, DVC_MUTANT (conformance testing only).
See the package README for each variable.

  dvc-reference-agency            start the system
  dvc-reference-agency --mutants  list the DVC_MUTANT names
  dvc-reference-agency --help     this text
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.includes('--mutants')) {
    for (const [name, text] of Object.entries(MUTANTS)) process.stdout.write(`${name}\t${text}\n`);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const config = loadConfig(process.env);
  const agency = await startReferenceAgency(config, { log });
  log(`dvc-reference-agency ${config.agencyCode} (${config.binding}) listening on ${agency.url}${config.mutant.name ? ` — MUTANT ${config.mutant.name}` : ''}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await agency.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AgencyError) process.stderr.write(`dvc-reference-agency: ${error.message} [${error.code}]\n`);
    else process.stderr.write(`dvc-reference-agency: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(error instanceof AgencyError ? 2 : 1);
  },
);
