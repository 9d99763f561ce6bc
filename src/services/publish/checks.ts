// Which packages the server accepts. Builds that can never install over the air (App Store
// profile, simulator build, unsigned, no app, bundle id not covered by the profile…) are refused
// with their reasons. Expiry is different: the build did install once and may still be wanted
// (e.g. for the record), so an expired profile or certificate is refused unless forced.
import { OtashipError } from '../../core/errors.js';
import type { PackageInfo } from '../../core/types.js';

const FORCEABLE = new Set(['PROFILE_EXPIRED', 'CERTIFICATE_EXPIRED']);

export function checkInstallable(info: PackageInfo, force: boolean, label: string): void {
  const reasons = info.installable.reasons;
  const errors = reasons.filter((r) => r.severity === 'error');
  const hard = errors.filter((r) => !FORCEABLE.has(r.code));
  if (hard.length > 0) {
    throw new OtashipError(
      'NOT_INSTALLABLE',
      `${label} can never be installed over the air: ${hard.map((r) => r.message).join('; ')}`,
      { details: { reasons } },
    );
  }
  const soft = errors.filter((r) => FORCEABLE.has(r.code));
  if (soft.length > 0 && !force) {
    throw new OtashipError('PROFILE_EXPIRED', `${label}: ${soft.map((r) => r.message).join('; ')}`, {
      details: { reasons },
    });
  }
}
