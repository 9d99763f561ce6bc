// How many cases a property test tries. The counts in the tests keep `npm test` fast; a deeper sweep
// (OTASHIP_PROPERTY_SCALE=100 node scripts/run-tests.mjs core) finds the rare counterexamples that would
// otherwise surface one CI run in a thousand, with fast-check's random seed.
export function propertyRuns(runs: number): number {
  const scale = Number(process.env.OTASHIP_PROPERTY_SCALE ?? 1);
  return Math.max(1, Math.round(runs * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
