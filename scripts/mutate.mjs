// `npm run mutate [module...]`: runs StrykerJS once per module (stryker.config.mjs), one after the
// other, and prints each module's mutation score. One module per run keeps each run to the tests that
// matter for it; running them all at once would make every mutant wait for every test file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { MODULES } from '../stryker.config.mjs';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((m) => !(m in MODULES));
if (unknown.length > 0) {
  console.error(`unknown module(s) ${unknown.join(', ')}: choose from ${Object.keys(MODULES).join(', ')}`);
  process.exit(2);
}
const scores = [];
for (const name of wanted.length > 0 ? wanted : Object.keys(MODULES)) {
  const run = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run'], {
    stdio: 'inherit',
    env: { ...process.env, OTASHIP_MUTATE_MODULE: name },
  });
  if (run.status !== 0) {
    console.error(`stryker failed for ${name} (exit ${run.status})`);
    process.exit(run.status ?? 1);
  }
  scores.push([name, score(`reports/mutation/${name}.json`)]);
}
for (const [name, s] of scores) console.log(`${name.padEnd(12)} ${s}`);

/** Mutation score as Stryker defines it: killed + timed out over all valid mutants (no coverage counts as survived). */
function score(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = {};
  for (const f of Object.values(report.files)) for (const m of f.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return `${valid === 0 ? 'n/a' : ((100 * detected) / valid).toFixed(2)}% (${JSON.stringify(counts)})`;
}
