// Device (UDID) registration, the iOS Profile Service flow (ota-notes §6):
//   GET  /udid                        page for testers, with the profile to download
//   GET  /udid/profile.mobileconfig   the Profile Service profile (fresh signed nonce per download)
//   POST /udid/callback?n=…           the device's CMS-signed answer → 301 to /udid/done (iOS needs a 301)
//   GET  /udid/done?d=…               thank-you page with the UDID
// Every request body in this plugin is read raw and capped; refusals are 400 DEVICE_REGISTRATION, and
// 429 TOO_MANY_REQUESTS (with Retry-After) when registrations are throttled (services/devices.ts).
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError, isOtashipError } from '../../core/errors.js';
import { MAX_DEVICE_ANSWER_BYTES } from '../../services/devices.js';
import type { ServerDeps } from '../deps.js';
import { closeAfterRefusal } from '../http/lingering-close.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderUdidDonePage, renderUdidPage } from '../../web/pages/udid.js';
import { pageLanguage } from '../http/page-language.js';
import { pageViewer } from '../http/page-viewer.js';
import * as S from '../schemas/downloads.js';

function tooLarge(): OtashipError {
  return new OtashipError('DEVICE_REGISTRATION', `the device answer is larger than ${MAX_DEVICE_ANSWER_BYTES / 1024} KiB`);
}

/** The raw body, refused as soon as it is known to exceed the cap (before reading it when it says so). */
async function readCapped(request: FastifyRequest, payload: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_DEVICE_ANSWER_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DEVICE_ANSWER_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

export async function udidRoutes(app: FastifyInstance, { services, config }: ServerDeps): Promise<void> {
  const { devices } = services;
  // iOS sends application/pkcs7-signature; whatever is sent, this plugin reads bytes, never JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request: FastifyRequest, payload: IncomingMessage) => readCapped(request, payload));

  const secureCookie = config.publicUrl.startsWith('https:');

  app.get('/udid', { schema: S.udidPage }, async (request, reply) => {
    devices.checkOpen();
    const language = pageLanguage(request, reply, secureCookie);
    return sendPage(reply, String(renderUdidPage({ profileUrl: '/udid/profile.mobileconfig', host: new URL(config.publicUrl).host }, language)));
  });

  // Downloaded in the browser, with the session: a signed-in person's profile makes the device theirs.
  app.get('/udid/profile.mobileconfig', { schema: S.udidProfile }, async (request, reply) => {
    const viewer = await pageViewer(request, services);
    return reply
      .type('application/x-apple-aspen-config')
      .header('Content-Disposition', 'attachment; filename="otaship-register-device.mobileconfig"')
      .header('Cache-Control', 'no-store')
      .send(devices.enrollmentProfile(viewer?.person?.id ?? null));
  });

  app.post<{ Querystring: { n?: string } }>('/udid/callback', {
    schema: S.udidCallback,
    config: { audit: { exempt: "a phone's answer to the registration profile, no one signed in: admins' changes to devices are recorded" } },
    // The nonce is checked from the URL before a byte of the body is read (and a refused body is
    // not waited for); unauthenticated bodies are also time-limited (server/http/body-guard.ts).
    preParsing: async (request, reply, payload) => {
      try {
        devices.checkNonce(typeof request.query.n === 'string' ? request.query.n : undefined);
      } catch (err) {
        closeAfterRefusal(request, reply);
        throw err;
      }
      return payload;
    },
  }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let doneUrl: string;
    try {
      ({ doneUrl } = await devices.register(typeof request.query.n === 'string' ? request.query.n : undefined, body, request.ip));
    } catch (err) {
      const retryAfter = isOtashipError(err) ? err.details?.retryAfterSeconds : undefined;
      if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
      throw err;
    }
    // 301, not 302/303: iOS reports any other answer as a failed profile installation.
    return reply.code(301).header('Location', doneUrl).header('Cache-Control', 'no-store').send();
  });

  app.get<{ Querystring: { d?: string } }>('/udid/done', { schema: S.udidDone }, async (request, reply) => {
    const device = await devices.registered(typeof request.query.d === 'string' ? request.query.d : undefined);
    // A pending claim is what the last registration sent: show that, so registering a known UDID
    // never reveals the name and model stored for it.
    const shown = device.claim ?? device;
    return sendPage(
      reply,
      String(
        renderUdidDonePage(
          { udid: device.udid, product: shown.product, version: shown.version, deviceName: shown.deviceName },
          pageLanguage(request, reply, secureCookie),
        ),
      ),
    );
  });
}
