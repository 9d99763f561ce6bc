// Android App Bundles: the .aab of a release (for its app's managers) and the app's APK signing
// key (read, upload a keystore, forget). Authorisation happens in the services.
import type { FastifyInstance } from 'fastify';
import { OtashipError } from '../../../core/errors.js';
import type { SigningKeySummary } from '../../../services/bundle/signing-keys.js';
import { authenticate } from '../../auth.js';
import type { RouteDeps } from '../../deps.js';
import { sendBlob } from '../../http/send-blob.js';
import * as S from '../../schemas/bundles.js';
import { jsonObject } from './body.js';

interface ReleaseParams {
  id: string;
}
interface AppParams {
  appId: string;
}

export async function bundleRoutes(app: FastifyInstance, { services, downloads }: RouteDeps): Promise<void> {
  const { bundles } = services;

  app.get<{ Params: ReleaseParams }>('/api/v1/releases/:id/bundle', { schema: S.releaseBundle }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const target = await bundles.bundle(principal, request.params.id);
    // Never a CDN or presigned link: the bundle is for the managers who asked, not for a shareable URL.
    return sendBlob(request, reply, services.blobs, target.key, {
      guard: downloads,
      contentType: target.contentType,
      cacheControl: 'private, no-store',
      filename: target.filename,
    });
  });

  app.get<{ Params: AppParams }>('/api/v1/apps/:appId/signing-key', { schema: S.getSigningKey }, async (request) => {
    const principal = await authenticate(request, services);
    const key = await bundles.keys.describe(principal, request.params.appId);
    return { signingKey: key ? keyJson(key) : null };
  });

  app.put<{ Params: AppParams }>('/api/v1/apps/:appId/signing-key', { schema: S.putSigningKey, config: { audit: { action: 'signing-key.upload', target: { type: 'app', id: 'params.appId' }, details: ['body.alias'] } } }, async (request) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['keystore', 'storePassword', 'keyPassword', 'alias']);
    const text = (name: string, value: unknown, required: boolean): string | undefined => {
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || value.length === 0 || value.length > 1024) {
        throw new OtashipError('VALIDATION', `${name} must be text of 1 to 1024 characters`);
      }
      return value;
    };
    const keystore = typeof body.keystore === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(body.keystore) ? Buffer.from(body.keystore, 'base64') : null;
    if (!keystore || keystore.length === 0) throw new OtashipError('VALIDATION', 'keystore must be the keystore file in base64');
    const keyPassword = text('keyPassword', body.keyPassword, false);
    const summary = await bundles.keys.upload(principal, request.params.appId, {
      keystore,
      storePassword: text('storePassword', body.storePassword, true)!,
      alias: text('alias', body.alias, true)!,
      ...(keyPassword !== undefined ? { keyPassword } : {}),
    });
    return { signingKey: keyJson(summary) };
  });

  app.delete<{ Params: AppParams }>('/api/v1/apps/:appId/signing-key', { schema: S.deleteSigningKey, config: { audit: { action: 'signing-key.delete', target: { type: 'app', id: 'params.appId' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await bundles.keys.remove(principal, request.params.appId);
    return reply.code(204).send();
  });
}

function keyJson(key: SigningKeySummary) {
  return { origin: key.origin, alias: key.alias, certificateSha256: key.certificateSha256, createdAt: key.createdAt.toISOString() };
}
