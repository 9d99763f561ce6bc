// The server hands out its own CLI, the same version as itself, so a build machine needs nothing but
// Node and the server's URL:
//   GET /cli/otaship.mjs  one self-contained ES module (publish, inspect, lint, link, manifest) for Node 22+
//   GET /cli/otaship.tgz  the same file as a dependency-free npm package (`npx -y <url> publish …`, `npm i -g <url>`)
// Both are built by scripts/bundle-cli.mjs into dist/cli/ and read once, then served from memory with
// a content ETag. They hold no secret, so they are public like the install pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipError } from '../../core/errors.js';
import { VERSION } from '../../version.js';
import { contentDisposition } from '../http/content-disposition.js';
import type { ServerDeps } from '../deps.js';
import * as S from '../schemas/downloads.js';

// This module sits three levels below the package root both as src/server/routes/cli.ts (tests, tsx)
// and as dist/server/routes/cli.js (an installed package); the bundles are always in <root>/dist/cli.
const BUNDLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'cli');

interface Artifact {
  file: string;
  contentType: string;
  /** The name a browser or `curl -OJ` saves it under: carries the version, so copies are told apart. */
  downloadName: string;
}

const ARTIFACTS: Record<string, Artifact> = {
  'otaship.mjs': { file: 'otaship.mjs', contentType: 'text/javascript; charset=utf-8', downloadName: `otaship-${VERSION}.mjs` },
  'otaship.tgz': { file: 'otaship-cli.tgz', contentType: 'application/gzip', downloadName: `otaship-cli-${VERSION}.tgz` },
};

interface Loaded {
  body: Buffer;
  etag: string;
}

export async function cliRoutes(app: FastifyInstance, _deps: ServerDeps, bundleDir = BUNDLE_DIR): Promise<void> {
  // Read once per process; a failed read is not remembered, so building afterwards needs no restart.
  const loaded = new Map<string, Promise<Loaded>>();
  const load = (artifact: Artifact): Promise<Loaded> => {
    let pending = loaded.get(artifact.file);
    if (!pending) {
      pending = readFile(join(bundleDir, artifact.file)).then(
        (body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` }),
        (err: unknown) => {
          loaded.delete(artifact.file);
          throw new OtashipError(
            'NOT_FOUND',
            `this server was installed without its standalone CLI (${artifact.file} is not in dist/cli): run \`npm run build\` where otaship is installed`,
            { cause: err },
          );
        },
      );
      loaded.set(artifact.file, pending);
    }
    return pending;
  };

  const serve = async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const artifact = Object.hasOwn(ARTIFACTS, request.params.name) ? ARTIFACTS[request.params.name] : undefined;
    if (!artifact) throw new OtashipError('NOT_FOUND', `no CLI file named ${request.params.name.slice(0, 64)}: use /cli/otaship.mjs or /cli/otaship.tgz`);
    const { body, etag } = await load(artifact);
    reply
      .header('ETag', etag)
      .header('Cache-Control', 'no-cache')
      .header('X-Otaship-Version', VERSION)
      .header('Content-Disposition', contentDisposition(artifact.downloadName));
    if (request.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) return reply.code(304).send();
    return reply.type(artifact.contentType).send(body);
  };
  app.get<{ Params: { name: string } }>('/cli/:name', { schema: S.cliFile }, serve);
}
