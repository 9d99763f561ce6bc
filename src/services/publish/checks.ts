// Which packages the server accepts. Builds that can never install over the air (App Store
// profile, simulator build, unsigned, no app, bundle id not covered by the profile…) are refused
// with their reasons. Expiry is different: the build did install once and may still be wanted
// (e.g. for the record), so an expired profile or certificate is refused unless forced — the same
// rule as the CLI's local check (core/inspect/installability.ts, FORCEABLE_REASONS).
import { OtashipError } from '../../core/errors.js';
import { blockingReasons } from '../../core/inspect/installability.js';
import type { InstallReason, PackageInfo } from '../../core/types.js';

/**
 * Throws when the package may not be published; returns the refusals that `force` overrode (empty
 * when nothing needed overriding), so the answer can say what was overridden.
 */
export function checkInstallable(info: PackageInfo, force: boolean, label: string): InstallReason[] {
  const reasons = info.installable.reasons;
  const { forceable, hard } = blockingReasons(reasons);
  if (hard.length > 0) {
    throw new OtashipError(
      'NOT_INSTALLABLE',
      `${label} can never be installed over the air: ${hard.map((r) => r.message).join('; ')}`,
      { details: { reasons } },
    );
  }
  if (forceable.length > 0 && !force) {
    // The API's own words: the CLI and the web admin name their own switch (--force, the checkbox).
    throw new OtashipError(
      'PROFILE_EXPIRED',
      `${label}: ${forceable.map((r) => r.message).join('; ')}; publish with force=true to keep it anyway`,
      { details: { reasons: forceable, forceable: forceable.map((r) => r.code) } },
    );
  }
  return forceable;
}
