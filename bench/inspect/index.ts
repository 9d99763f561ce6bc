// Inspection benchmark (issue #2): `otaship inspect --json --icon` against app-info-parser doing the
// same extraction (identity, icon, profile), on generated IPAs, whole process and in-process.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { generateBenchIpas } from './generate.js';
import { benchProfile } from './profile.js';
import { fmtMs, median, runMeasured, table } from '../lib/stats.js';

const NODE = process.execPath;

export async function runInspectBench(opts: { quick: boolean; dir?: string }): Promise<string[]> {
  const dir = opts.dir ?? join(tmpdir(), 'otaship-bench');
  const ipas = await generateBenchIpas(dir, await benchProfile(), opts.quick);
  const runs = opts.quick ? 3 : 7;
  // Whole-process times on a small VM vary by ±20 % run to run; more runs steady the medians.
  const processRuns = opts.quick ? 3 : 11;
  const rows: string[][] = [
    ['file', 'mode', 'otaship', 'app-info-parser', 'speed-up', 'otaship peak RSS', 'aip peak RSS'],
  ];
  const notes: string[] = [];
  for (const ipa of ipas) {
    // Whole process: the CLI as a user runs it, against a script doing the same with app-info-parser.
    const iconOut = join(dir, 'icon-out.png');
    const ours: number[] = [];
    const theirs: number[] = [];
    let ourRss = 0;
    let theirRss = 0;
    for (let i = 0; i < processRuns; i++) {
      const a = await runMeasured(NODE, ['bin/otaship', 'inspect', '--json', '--icon', iconOut, ipa.path]);
      if (a.code !== 0) throw new Error(`otaship inspect failed on ${ipa.path}: ${a.stderr}`);
      const b = await runMeasured(NODE, [join('bench', 'inspect', 'aip-extract.cjs'), ipa.path]);
      if (b.code !== 0) throw new Error(`app-info-parser failed on ${ipa.path}: ${b.stderr}`);
      ours.push(a.ms);
      theirs.push(b.ms);
      ourRss = Math.max(ourRss, a.peakRssMiB);
      theirRss = Math.max(theirRss, b.peakRssMiB);
    }
    rmSync(iconOut, { force: true });
    const om = median(ours);
    const tm = median(theirs);
    rows.push([ipa.label, 'whole process', fmtMs(om), fmtMs(tm), `${(tm / om).toFixed(2)}x`, `${ourRss.toFixed(0)} MiB`, `${theirRss.toFixed(0)} MiB`]);

    // In-process after warm-up, one library per process.
    const iters = String(runs);
    const a = await runMeasured(NODE, [join('bench', 'inspect', 'inproc-worker.mjs'), 'otaship', ipa.path, iters]);
    const b = await runMeasured(NODE, [join('bench', 'inspect', 'inproc-worker.mjs'), 'aip', ipa.path, iters]);
    if (a.code !== 0 || b.code !== 0) throw new Error(`in-process worker failed: ${a.stderr}${b.stderr}`);
    const ra = JSON.parse(a.stdout) as { medianMs: number; peakRssMiB: number };
    const rb = JSON.parse(b.stdout) as { medianMs: number; peakRssMiB: number };
    rows.push([
      '',
      'in-process',
      fmtMs(ra.medianMs),
      fmtMs(rb.medianMs),
      `${(rb.medianMs / ra.medianMs).toFixed(2)}x`,
      `${ra.peakRssMiB.toFixed(0)} MiB`,
      `${rb.peakRssMiB.toFixed(0)} MiB`,
    ]);
  }
  // Node's own start-up, for reading the whole-process rows: neither tool can go below it.
  const bare: number[] = [];
  for (let i = 0; i < processRuns; i++) bare.push((await runMeasured(NODE, ['-e', '0'])).ms);
  notes.push(`Node's own start-up (node -e 0): ${fmtMs(median(bare))} median; whole-process rows include it`);
  notes.push(`files: ${ipas.map((i) => `${i.label}=${(i.bytes / 1024 / 1024).toFixed(0)} MiB/${i.entries} entries`).join(', ')} in ${dir}`);
  notes.push(`whole process: medians of ${processRuns} runs, the two tools alternating; in-process: median of at least ${runs} calls after 3 warm-ups (up to 40 within 3 s); speed-up = app-info-parser time / otaship time; RSS = peak resident set (GNU time / process.resourceUsage)`);
  return ['## Package inspection: otaship vs app-info-parser', table(rows), ...notes];
}
