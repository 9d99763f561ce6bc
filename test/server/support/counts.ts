// Counters are written after the response closes (and batched): wait, bounded, until a release's
// counts reach the expected values, then return them for the test to assert on.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReleaseCounts } from '../../../src/ports/repositories.js';
import type { Services } from '../../../src/services/index.js';

export async function countsReach(
  services: Services,
  releaseId: string,
  expected: Partial<ReleaseCounts>,
): Promise<ReleaseCounts> {
  let counts = await services.counters.get(releaseId);
  for (let i = 0; i < 500; i++) {
    if (Object.entries(expected).every(([k, v]) => counts[k as keyof ReleaseCounts] === v)) break;
    await sleep(20);
    counts = await services.counters.get(releaseId);
  }
  return counts;
}
