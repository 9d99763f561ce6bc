// What an iPhone POSTs to a Profile Service URL: an XML plist of the requested attributes plus the
// CHALLENGE, in a REAL CMS SignedData (signed by a throwaway key, as the device signs with its own).
import { build } from 'plist';
import type { PlistValue } from 'plist';
import { signCms, testSigner } from './synthetic-profile.js';

export const SAMPLE_DEVICE = {
  UDID: '00008030-001A2B3C4D5E802E',
  PRODUCT: 'iPhone16,1',
  VERSION: '21E236',
  SERIAL: 'F2LXK0ABCD12',
  DEVICE_NAME: 'Anna’s iPhone',
};

/** The signed answer; `attributes` replace or add keys (undefined removes one). */
export async function buildDeviceAnswer(challenge: string | null, attributes: Record<string, PlistValue | undefined> = {}): Promise<Buffer> {
  const value: Record<string, PlistValue> = {};
  for (const [k, v] of Object.entries({ ...SAMPLE_DEVICE, ...(challenge === null ? {} : { CHALLENGE: challenge }), ...attributes })) {
    if (v !== undefined) value[k] = v;
  }
  const signer = await testSigner(new Date(Date.UTC(2040, 0, 1)), 'Apple iPhone Device test identity');
  return signCms(Buffer.from(build(value), 'utf8'), signer);
}
