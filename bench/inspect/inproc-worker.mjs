// In-process timing after warm-up, one library per process so peak RSS is that library's alone.
// argv: <otaship|aip> <file> <min iterations>. Prints JSON {medianMs, samples, peakRssMiB}.
// Both libraries get the same treatment: 3 warm-up calls, then at least <min iterations> timed calls,
// continuing up to 40 calls while under 3 s, so fast calls get enough samples for a stable median.
import { createRequire } from 'node:module';

const [lib, file, itersArg] = process.argv.slice(2);
const iterations = Number(itersArg ?? 7);
const require = createRequire(import.meta.url);

let run;
if (lib === 'otaship') {
  const { inspect, readIcon } = await import('../../dist/index.js');
  run = async () => {
    const info = await inspect(file);
    const icon = await readIcon(file, info);
    if (!info.bundleId || !icon || !info.profile) throw new Error('otaship extraction incomplete');
  };
} else {
  const AppInfoParser = require('app-info-parser');
  run = async () => {
    const r = await new AppInfoParser(file).parse();
    if (!r.CFBundleIdentifier || !r.icon || !r.mobileProvision) throw new Error('app-info-parser extraction incomplete');
  };
}

for (let i = 0; i < 3; i++) await run();
const samples = [];
const started = Date.now();
for (let i = 0; i < iterations || (i < 40 && Date.now() - started < 3000); i++) {
  const t = process.hrtime.bigint();
  await run();
  samples.push(Number(process.hrtime.bigint() - t) / 1e6);
}
samples.sort((a, b) => a - b);
const medianMs = samples.length % 2 ? samples[samples.length >> 1] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2;
process.stdout.write(JSON.stringify({ medianMs, samples, peakRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
