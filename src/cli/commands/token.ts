// `otaship token create|list|revoke`: manage API tokens either directly in a local data directory
// (the server's database: whoever can read it is an admin anyway) or through a running server's API
// with an admin token (--server/--token).
import { Option, type Command } from 'commander';
import { OtashipError } from '../../core/errors.js';
import type { TokenView, CreateTokenInput } from '../../services/api-tokens.js';

interface TargetFlags {
  config?: string;
  dataDir?: string;
  server?: string;
  token?: string;
  ca?: string;
  json?: boolean;
}

interface CreateFlags extends TargetFlags {
  name: string;
  app?: string;
  admin?: boolean;
  expiresInDays?: string;
}

/** What both back ends (local database, remote API) offer. */
interface TokenBackend {
  create(input: CreateTokenInput): Promise<TokenView & { token: string }>;
  list(): Promise<TokenView[]>;
  revoke(id: string): Promise<void>;
  close(): Promise<void>;
}

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'server config file (local mode)')
    .option('--data-dir <dir>', 'server data directory (local mode; default from config/OTASHIP_DATA_DIR)')
    .addOption(new Option('--server <url>', 'manage tokens on a running server instead (needs an admin --token)'))
    .addOption(new Option('--token <token>', 'admin API token for --server').env('OTASHIP_TOKEN'))
    .option('--ca <file>', 'trust this CA certificate (PEM) for --server')
    .option('--json', 'print JSON');
}

export function register(program: Command): void {
  const token = program
    .command('token')
    .description('Create, list and revoke API tokens (local data dir, or a server with --server)')
    .addHelpText(
      'after',
      `
Examples:
  $ otaship token create --name ci --data-dir ./data                 # on the server machine
  $ otaship token create --name android-ci --app <appId> --expires-in-days 90
  $ otaship token list --server https://ota.example.com --token "$ADMIN_TOKEN"
  $ otaship token revoke <tokenId> --data-dir ./data`,
    );

  targetOptions(
    token
      .command('create')
      .description('Create a token; its secret is printed once')
      .requiredOption('--name <name>', 'what the token is for, e.g. "ci" (required)')
      .option('--app <appId>', 'limit the token to one app')
      .option('--admin', 'admin token (manages tokens; cannot be limited to an app)')
      .option('--expires-in-days <n>', 'expire after n days'),
  ).action(async (flags: CreateFlags, cmd: Command) => {
    const backend = await openBackend(flags, cmd);
    try {
      const days = flags.expiresInDays === undefined ? null : Number(flags.expiresInDays);
      if (days !== null && !Number.isFinite(days)) {
        throw new OtashipError('USAGE', `--expires-in-days ${flags.expiresInDays} is not a number`);
      }
      const created = await backend.create({ name: flags.name, appId: flags.app ?? null, admin: flags.admin === true, expiresInDays: days });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
      } else {
        process.stdout.write(`${created.token}\n`);
        process.stderr.write(
          `Created ${created.admin ? 'admin ' : ''}token "${created.name}" (id ${created.id})` +
            `${created.appId ? ` limited to app ${created.appId}` : ''}` +
            `${created.expiresAt ? `, expires ${created.expiresAt}` : ''}. ` +
            'The secret above is shown only now: store it (e.g. as OTASHIP_TOKEN in your CI).\n',
        );
      }
    } finally {
      await backend.close();
    }
  });

  targetOptions(token.command('list').description('List tokens (never their secrets)')).action(async (flags: TargetFlags, cmd: Command) => {
    const backend = await openBackend(flags, cmd);
    try {
      const tokens = await backend.list();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
        return;
      }
      if (tokens.length === 0) {
        process.stdout.write('no tokens\n');
        return;
      }
      for (const t of tokens) {
        const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'active';
        const scope = t.admin ? 'admin' : t.appId ? `app ${t.appId}` : 'all apps';
        process.stdout.write(`${t.id}  ${t.name}  ${scope}  ${state}  last used ${t.lastUsedAt ?? 'never'}\n`);
      }
    } finally {
      await backend.close();
    }
  });

  targetOptions(token.command('revoke').description('Revoke a token at once').argument('<id>', 'token id')).action(
    async (id: string, flags: TargetFlags, cmd: Command) => {
      const backend = await openBackend(flags, cmd);
      try {
        await backend.revoke(id);
        if (flags.json) process.stdout.write(`${JSON.stringify({ revoked: id })}\n`);
        else process.stdout.write(`revoked ${id}\n`);
      } finally {
        await backend.close();
      }
    },
  );
}

async function openBackend(flags: TargetFlags, cmd: Command): Promise<TokenBackend> {
  if (flags.server !== undefined) return remoteBackend(flags);
  // A --token typed without --server most likely means a forgotten --server: say so rather than
  // silently changing the local database. (A token from OTASHIP_TOKEN alone is fine.)
  if (cmd.getOptionValueSource('token') === 'cli') {
    throw new OtashipError('USAGE', '--token is for --server; without --server the command works on the local data directory');
  }
  return localBackend(flags);
}

async function localBackend(flags: TargetFlags): Promise<TokenBackend> {
  const { loadConfig } = await import('../../config/index.js');
  const { openRepositories } = await import('../../db/index.js');
  const { ApiTokenService } = await import('../../services/api-tokens.js');
  const { systemClock } = await import('../../services/clock.js');
  const config = loadConfig({ file: flags.config, overrides: { dataDir: flags.dataDir } });
  const repos = await openRepositories(config.databaseUrl);
  const service = new ApiTokenService(repos, systemClock, null);
  // Whoever can open the server's database is its administrator.
  const local = { tokenId: 'local', name: 'local CLI', admin: true, appId: null, via: 'bearer' as const };
  return {
    async create(input) {
      const { token, record } = await service.create(local, input);
      return { ...record, token };
    },
    list: () => service.list(local),
    revoke: (id) => service.revoke(local, id),
    close: () => repos.close(),
  };
}

async function remoteBackend(flags: TargetFlags): Promise<TokenBackend> {
  const { exchange } = await import('../../client/http.js');
  const { apiError } = await import('../../client/errors.js');
  const { readFile } = await import('node:fs/promises');
  const server = flags.server ?? '';
  let base: URL;
  try {
    base = new URL(server.endsWith('/') ? server : `${server}/`);
  } catch {
    throw new OtashipError('USAGE', `--server ${server} is not a URL (e.g. https://ota.example.com)`);
  }
  if (!flags.token) throw new OtashipError('USAGE', 'managing tokens on a server needs an admin --token (or OTASHIP_TOKEN)');
  const ca = flags.ca ? await readFile(flags.ca, 'utf8') : undefined;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const url = new URL(path, base);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const result = await exchange({
      url,
      method,
      ca,
      headers: {
        authorization: `Bearer ${flags.token}`,
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
      },
      ...(payload ? { body: payload } : {}),
    });
    if (result.status < 200 || result.status >= 300) throw apiError(result.status, result.statusText, result.body, url.href);
    return (result.body ? JSON.parse(result.body) : undefined) as T;
  };
  return {
    create: (input) => call('POST', 'api/v1/tokens', input),
    list: async () => (await call<{ items: TokenView[] }>('GET', 'api/v1/tokens')).items,
    revoke: async (id) => {
      await call('DELETE', `api/v1/tokens/${encodeURIComponent(id)}`);
    },
    close: async () => undefined,
  };
}
