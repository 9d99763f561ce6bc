// Per-entry caps on inflated bytes: far above any real file of that kind, far below what would hurt
// the machine. An entry past its cap is refused as a zip bomb (the zip reader counts while inflating).
export interface InspectLimits {
  infoPlistBytes: number;
  profileBytes: number;
  iconBytes: number;
}

export const DEFAULT_LIMITS: Readonly<InspectLimits> = Object.freeze({
  infoPlistBytes: 8 * 1024 * 1024,
  profileBytes: 4 * 1024 * 1024,
  iconBytes: 16 * 1024 * 1024,
});

export function resolveLimits(overrides?: Partial<InspectLimits>): InspectLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
