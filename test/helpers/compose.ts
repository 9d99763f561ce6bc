// compose.yaml as Compose reads it: the parsed file, and each service's environment with the
// ${NAME}, ${NAME:?message} and ${NAME:-default} variables filled in from a `.env`-like table.
// No Compose runs where the tests do; test/deploy/compose.test.ts and container.test.ts use this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required?: boolean }>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(root = '.'): ComposeFile {
  return parse(readFileSync(join(root, 'compose.yaml'), 'utf8')) as ComposeFile;
}

/** Compose's variable interpolation; a missing required variable throws as Compose refuses. */
export function interpolate(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (kind === '?') throw new Error(`compose refuses to start: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

/** The ${…} variables a value uses, and whether each is required (:?). */
export function variables(value: string): Array<{ name: string; required: boolean }> {
  return [...value.matchAll(/\$\{([A-Z0-9_]+)(:\?)?[^}]*\}/g)].map((m) => ({ name: m[1]!, required: m[2] === ':?' }));
}

/** A service's environment as its container would get it. */
export function serviceEnvironment(service: ComposeService, vars: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));
}

/** Values for the variables compose.yaml asks `.env` for, shaped as its comments say to make them. */
export const SAMPLE_DOT_ENV: Readonly<Record<string, string>> = {
  OTASHIP_PUBLIC_URL: 'https://ota.example.com',
  OTASHIP_SECRET: 'a1'.repeat(32),
  POSTGRES_PASSWORD: 'b2'.repeat(24),
  S3_ACCESS_KEY_ID: 'c3'.repeat(12),
  S3_SECRET_ACCESS_KEY: 'd4'.repeat(32),
};
