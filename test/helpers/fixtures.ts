// Real third-party packages live in ../shared/fixtures (never in this repo). Tests that use them
// skip with a clear message when the folder is absent; under CI they must be present.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = resolve(process.env.OTASHIP_FIXTURES_DIR ?? join(here, '..', '..', '..', 'shared', 'fixtures'));
export const FIXTURES_PRESENT = existsSync(join(FIXTURES_DIR, 'expected.json'));
export const FIXTURES_SKIP: string | false = FIXTURES_PRESENT
  ? false
  : `real fixtures not found at ${FIXTURES_DIR} (set OTASHIP_FIXTURES_DIR or place ../shared beside the repo)`;

if (!FIXTURES_PRESENT && process.env.CI) {
  throw new Error(`CI run without fixtures: ${FIXTURES_DIR} is missing`);
}

export interface ExpectedProfile {
  type: string;
  name: string;
  teamId: string;
  teamName: string;
  uuid: string;
  expiresAt: string;
  createdAt: string;
  deviceCount: number;
  platforms: string[];
}

export interface ExpectedEntry {
  kind: 'ipa' | 'apk' | 'profile' | string;
  valid: boolean;
  why?: string;
  appPath?: string;
  bundleId?: string;
  version?: string | null;
  build?: string;
  name?: string;
  minOsVersion?: string;
  deviceFamilies?: string[];
  infoPlistFormat?: string;
  profile?: ExpectedProfile | null;
  iconPngs?: number;
  cgbiIcons?: number;
  extensions?: string[];
  type?: string;
  teamId?: string;
  teamName?: string;
  uuid?: string;
  expiresAt?: string;
  createdAt?: string;
  deviceCount?: number;
  platforms?: string[];
}

export function expectedFixtures(): Record<string, ExpectedEntry> {
  if (!FIXTURES_PRESENT) return {};
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>;
}

export function fixturePath(name: string): string {
  return join(FIXTURES_DIR, name);
}
