// Types for public/detect.js (plain ES module served to browsers, imported by the unit tests).
export interface DetectedDevice {
  os: 'ios' | 'android' | 'desktop';
  family: 'iphone' | 'ipad' | null;
  ipadDesktopMode: boolean;
  inApp: string | null;
  otherBrowser: boolean;
}
export const IN_APP_BROWSERS: [string, RegExp][];
export function detectDevice(nav: { userAgent?: string; platform?: string; maxTouchPoints?: number }): DetectedDevice;
export function installHints(
  device: DetectedDevice,
  build: { platform: string; families: string[] },
): { mismatch: boolean; inApp: boolean; otherBrowser: boolean; wrongFamily: boolean; desktop: boolean };
