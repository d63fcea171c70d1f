#!/usr/bin/env node
import { runCli } from './cli-main.js';

runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  isTTY: process.stderr.isTTY,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dvc-conformance: internal error: ${String(error)}\n`);
    process.exit(70);
  },
);
