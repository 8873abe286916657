#!/usr/bin/env node
// Per-file mutation threshold (issue 28): Stryker's `thresholds.break` applies to the total score only,
// so this reads its JSON report and fails when any mutated file scores below the break threshold.
// Usage: node scripts/mutation-check.mjs [reports/mutation/mutation.json]
// Score as Stryker computes it: (killed + timeout) / (killed + timeout + survived + no coverage);
// ignored mutants (disable comments) and compile or runtime errors do not count.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reportPath = path.resolve(root, process.argv[2] ?? 'reports/mutation/mutation.json');
const config = (await import(path.join(root, 'stryker.config.mjs'))).default;
const breakAt = config.thresholds.break;

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  console.error(`mutation-check: cannot read the Stryker report ${reportPath} (${error.message}); run \`npm run mutation\`.`);
  process.exit(2);
}

const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);
const rows = [];
for (const file of config.mutate) {
  const entry = report.files[file] ?? report.files[path.join(root, file)];
  if (!entry) {
    rows.push({ file, score: Number.NaN, killed: 0, survived: 0, noCoverage: 0, ignored: 0 });
    continue;
  }
  const count = (status) => entry.mutants.filter((m) => m.status === status).length;
  const caught = entry.mutants.filter((m) => detected.has(m.status)).length;
  const missed = entry.mutants.filter((m) => undetected.has(m.status)).length;
  rows.push({
    file,
    score: caught + missed === 0 ? 100 : (100 * caught) / (caught + missed),
    killed: caught,
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    ignored: count('Ignored'),
  });
}

const width = Math.max(...rows.map((r) => r.file.length));
console.log(`${'file'.padEnd(width)}  score  killed  survived  no coverage  ignored`);
for (const r of rows) {
  const score = Number.isNaN(r.score) ? '  -  ' : r.score.toFixed(1).padStart(5);
  console.log(
    `${r.file.padEnd(width)}  ${score}  ${String(r.killed).padStart(6)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}  ${String(r.ignored).padStart(7)}`,
  );
}
const missing = rows.filter((r) => Number.isNaN(r.score));
const low = rows.filter((r) => r.score < breakAt);
if (missing.length > 0) console.error(`mutation-check: no mutants reported for ${missing.map((r) => r.file).join(', ')}.`);
if (low.length > 0) {
  console.error(
    `mutation-check: below the ${breakAt} % break threshold: ${low.map((r) => `${r.file} (${r.score.toFixed(1)} %)`).join(', ')}. Kill the surviving mutants with tests (reports/mutation/mutation.html lists them).`,
  );
}
process.exit(missing.length > 0 || low.length > 0 ? 1 : 0);
