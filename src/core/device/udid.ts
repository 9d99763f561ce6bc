// UDIDs as devices report them and as Apple's portal takes them: 40 hex digits (devices before 2018),
// or 8 + 16 hex digits joined by a dash (00008030-001A2B3C4D5E802E). One canonical spelling per
// device — the one Apple writes in provisioning profiles — so a device is stored once.
const LEGACY = /^[0-9a-f]{40}$/i;
const CURRENT = /^[0-9a-f]{8}-[0-9a-f]{16}$/i;

/** The canonical UDID (legacy form lower-case, current form upper-case), or null when it is not one. */
export function canonicalUdid(value: string): string | null {
  const v = value.trim();
  if (LEGACY.test(v)) return v.toLowerCase();
  if (CURRENT.test(v)) return v.toUpperCase();
  return null;
}

/** Apple's device platform for a model identifier (PRODUCT): Macs are "mac", everything else "ios". */
export function applePlatform(product: string): 'ios' | 'mac' {
  return /^(Mac|iMac|MacBook|Macmini|MacPro)/.test(product) ? 'mac' : 'ios';
}
