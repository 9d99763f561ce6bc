// Real-browser tests drive Debian's Chromium through playwright-core (no browser download). Skips with
// a clear message when Chromium is absent; under CI the absence is a failure.
//   const b = await launchBrowser();  const ctx = await b.newContext(iphone());  …  await b.close();
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, devices, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.OTASHIP_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_PRESENT = existsSync(CHROMIUM_PATH);
export const BROWSER_SKIP: string | false = CHROMIUM_PRESENT
  ? false
  : `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set OTASHIP_CHROMIUM)`;

if (!CHROMIUM_PRESENT && process.env.CI) {
  throw new Error(`CI run without a browser: ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium; playwright gives every launch a fresh, temporary user-data-dir. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 60_000 });
}

function device(name: string): BrowserContextOptions {
  const d = devices[name];
  if (!d) throw new Error(`playwright has no device profile "${name}"`);
  // defaultBrowserType is a hint for playwright's test runner, not a context option.
  const { defaultBrowserType: _ignored, ...options } = d;
  return options;
}

export const UA = {
  gmailIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 GmailApp/6.0.240225',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
};

/** An iPhone 15 (Safari UA, 393×659 viewport, mobile, touch). */
export function iphone(overrides: BrowserContextOptions = {}): BrowserContextOptions {
  return { ...device('iPhone 15'), ...overrides };
}

export function pixel(overrides: BrowserContextOptions = {}): BrowserContextOptions {
  return { ...device('Pixel 7'), ...overrides };
}

export function desktop(overrides: BrowserContextOptions = {}): BrowserContextOptions {
  return { viewport: { width: 1280, height: 860 }, ...overrides };
}

/**
 * iPadOS Safari in its default "desktop website" mode: a Mac User-Agent, navigator.platform MacIntel,
 * but several touch points (Chromium on Linux reports its own platform, so the script overrides it).
 */
export function ipadDesktopMode(): BrowserContextOptions {
  return { userAgent: UA.macSafari, viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: false };
}

export async function emulateIpadPlatform(page: Page): Promise<void> {
  await emulatePlatform(page, 'MacIntel', 5);
}

/**
 * Overrides navigator.platform / maxTouchPoints before any page script runs. Given as source text:
 * functions compiled by tsx may reference helpers (__name) that do not exist in the page.
 */
export async function emulatePlatform(page: Page, platform: string, maxTouchPoints?: number): Promise<void> {
  const lines = [`Object.defineProperty(Navigator.prototype, 'platform', { get: () => ${JSON.stringify(platform)} });`];
  if (maxTouchPoints !== undefined) {
    lines.push(`Object.defineProperty(Navigator.prototype, 'maxTouchPoints', { get: () => ${Number(maxTouchPoints)} });`);
  }
  await page.addInitScript({ content: lines.join('\n') });
}

/** Collects page errors and console errors (e.g. CSP violations) so tests can assert there are none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return errors;
}

/** A temp folder for screenshots (kept for a human to look at; never committed). */
export async function screenshotDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'otaship-screens-'));
}
