#!/usr/bin/env node
import { runCli } from './cli-main.js';

runCli(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`dvc-mock-portal: ${(e as Error).message}\n`);
  process.exit(1);
});
