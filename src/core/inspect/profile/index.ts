// A provisioning profile on its own (.mobileprovision / .provisionprofile), or embedded in an IPA.
import { OtashipError } from '../../errors.js';
import type { ProfileFileInfo, ProfileInfo } from '../../types.js';
import { isBinaryPlist } from '../../plist/read.js';
import { cmsContent, looksLikeCms } from './cms.js';
import { decodeProfilePlist } from './decode.js';
import type { DecodeOptions } from './decode.js';

export { looksLikeCms } from './cms.js';
export { profileType, decodeProfilePlist } from './decode.js';

export type ProfileContainer = ProfileFileInfo['container'];

export function profileContainer(head: Uint8Array): ProfileContainer | null {
  if (looksLikeCms(head)) return 'cms';
  if (isBinaryPlist(head)) return 'binary';
  if (looksLikeXml(head)) return 'xml';
  return null;
}

export function looksLikeXml(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x3c; // '<'
}

/** Decodes profile bytes (CMS-signed, or a raw XML/binary plist); `what` names the source in errors. */
export function decodeProfile(
  bytes: Uint8Array,
  what: string,
  options: DecodeOptions = {},
): { profile: ProfileInfo; container: ProfileContainer } {
  const container = profileContainer(bytes.subarray(0, 16));
  if (!container) throw new OtashipError('BAD_PROFILE', `${what} is neither a signed (CMS) profile nor a property list`);
  const plistBytes = container === 'cms' ? cmsContent(bytes, what) : bytes;
  return { profile: decodeProfilePlist(plistBytes, what, options), container };
}

export function profileFileInfo(bytes: Uint8Array, what: string, options: DecodeOptions = {}): ProfileFileInfo {
  const { profile, container } = decodeProfile(bytes, what, options);
  return { kind: 'profile', container, ...profile };
}
