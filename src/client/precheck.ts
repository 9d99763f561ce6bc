// The local check before an upload: inspect the file on this machine (reads only the zip directory,
// Info.plist and the profile, so it takes well under a second even for GB-sized packages) and refuse
// what the server would refuse anyway — without sending the whole file first.
import { OtashipError } from '../core/errors.js';
import type { AabInfo, InstallReason, PackageInfo } from '../core/types.js';

export interface PrecheckOptions {
  /** Accept an expired profile or certificate (the server is asked to do the same). */
  force?: boolean;
  now?: Date;
}

export interface PrecheckResult {
  /** An App Bundle is sent as it is: the server converts it (or says why it cannot). */
  info: PackageInfo | AabInfo;
  /** Non-blocking findings worth showing. */
  warnings: InstallReason[];
  /** The refusals `force` overrode (an expired profile or certificate); empty when none. */
  overridden: InstallReason[];
}

export async function precheckPackage(path: string, options: PrecheckOptions = {}): Promise<PrecheckResult> {
  // Lazy: the inspection code (zip, plist, CMS) is only needed when a check runs.
  const { inspect, blockingReasons } = await import('../core/inspect/index.js');
  const info = await inspect(path, options.now ? { now: options.now } : {});
  if (info.kind === 'profile') {
    throw new OtashipError(
      'UNKNOWN_FILE_TYPE',
      `${path} is a provisioning profile (${info.name}), not an app package; publish the .ipa or .apk`,
    );
  }
  if (info.kind === 'aab') return { info, warnings: [], overridden: [] };
  // The same split as the server's (FORCEABLE_REASONS): what force overrides here, it overrides there.
  const { forceable, hard } = blockingReasons(info.installable.reasons);
  if (hard.length > 0) {
    throw new OtashipError(
      'NOT_INSTALLABLE',
      `${path} cannot be installed over the air: ${hard.map((r) => r.message).join('; ')}`,
      { details: { reasons: hard } },
    );
  }
  if (forceable.length > 0 && !options.force) {
    throw new OtashipError('PROFILE_EXPIRED', `${path}: ${forceable.map((r) => r.message).join('; ')}`, {
      details: { reasons: forceable, forceable: forceable.map((r) => r.code) },
    });
  }
  const warnings = info.installable.reasons.filter((r) => r.severity !== 'error');
  return { info, warnings, overridden: forceable };
}
