// Publishing takes APKs, not bundles, for now: one refusal for every path that publishes (server,
// CLI pre-check, manifest), naming what the bundle is so the user knows which build to convert.
import { OtashipError } from '../../errors.js';
import type { AabInfo } from '../../types.js';

export function bundleNotPublishable(label: string, info: AabInfo): OtashipError {
  const version = info.version === null ? `build ${info.build}` : `${info.version} (${info.build})`;
  // The catalogue's hint says what to upload instead.
  return new OtashipError(
    'AAB_NOT_SUPPORTED',
    `${label} is an Android App Bundle (.aab) of ${info.bundleId} ${version}, the format Google Play takes, not an APK`,
  );
}
