// A real CMS-signed ad-hoc profile (with a developer certificate) for the benchmark IPAs, built by the
// same code the tests use, so both libraries decode a realistic embedded.mobileprovision.
import { buildProfile } from '../../test/helpers/synthetic-profile.js';

export function benchProfile(): Promise<Buffer> {
  return buildProfile({ type: 'ad-hoc', bundleId: 'dev.otaship.bench', name: 'Bench AdHoc' });
}
