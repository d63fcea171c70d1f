// The npm registry reachable here does not serve platform packages for other systems
// (e.g. @rollup/rollup-darwin-arm64 answers 404), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds an
// optional entry for each missing optional dependency; `npm ci` skips the ones that do
// not fit this platform. Run after `npm install`: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    // Resolution as node does it: nearest node_modules up the path, then the root.
    const base = path === '' ? '' : `${path}/`;
    const candidates = [`${base}node_modules/${name}`];
    let p = path;
    while (p.includes('node_modules/')) {
      p = p.slice(0, p.lastIndexOf('node_modules/')).replace(/\/$/, '');
      candidates.push(`${p ? `${p}/` : ''}node_modules/${name}`);
    }
    if (candidates.some((c) => packages[c])) continue;
    packages[`node_modules/${name}`] = { version: range, optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} optional entries`);
