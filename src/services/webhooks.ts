// Webhooks (admin only): tell CI, chat or QA tooling about releases. Events are written to an
// outbox in the same transaction as the change they describe (publish, edit, delete), with the
// payload built then — so a crash or restart loses nothing and a deleted release can still be
// described; the dispatcher (webhook-dispatcher.ts) sends them.
//
// Secrets: each webhook's signing secret is HMAC(server secret, 'webhook:' + id), derived when
// needed and never stored, so a database dump or backup leaks no secret and every instance (which
// shares the server secret already) signs alike. The price: a webhook's secret cannot be rotated on
// its own (create a new webhook and delete the old one), and changing OTASHIP_SECRET changes every
// webhook's secret.
import { createHmac } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import type {
  AppRecord,
  ReleaseRecord,
  Repositories,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEvent,
  WebhookRecord,
} from '../ports/repositories.js';
import { authorize } from './authz.js';
import type { Clock } from './clock.js';
import { isId, newId } from './ids.js';
import type { Principal } from './principal.js';
import type { PublicUrls } from './urls.js';
import { appJson, releaseJson } from './views.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import { checkTargetUrl } from './webhook-target.js';

export const RELEASE_EVENTS = ['release.published', 'release.updated', 'release.deleted'] as const;
export type ReleaseEvent = (typeof RELEASE_EVENTS)[number];

/** What publishing and the catalogue call: record an event inside their transaction, then wake. */
export interface ReleaseEventSink {
  record(tx: Pick<Repositories, 'webhooks'>, event: ReleaseEvent, app: AppRecord, release: ReleaseRecord): Promise<void>;
  /**
   * After the transaction committed: send now rather than at the next poll. Publishing names the
   * release it committed (the "new build" notices go out for it: services/build-notices.ts).
   */
  notify(published?: { app: AppRecord; release: ReleaseRecord }): void;
}

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  appId: string | null;
  description: string;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  event: WebhookEvent;
  state: WebhookDeliveryRecord['state'];
  attemptCount: number;
  createdAt: string;
  /** When the next attempt is due; null once delivered or given up. */
  nextAttemptAt: string | null;
  attempts: Array<{ attemptedAt: string; statusCode: number | null; error: string | null; durationMs: number }>;
}

export interface CreateWebhookInput {
  url?: unknown;
  events?: unknown;
  appId?: unknown;
  description?: unknown;
}

const MAX_URL = 2000;
const MAX_DESCRIPTION = 200;

export class WebhookService implements ReleaseEventSink {
  constructor(
    private readonly repos: Pick<Repositories, 'webhooks' | 'apps'>,
    private readonly clock: Clock,
    private readonly urls: PublicUrls,
    private readonly serverSecret: string,
    readonly dispatcher: WebhookDispatcher,
    /** OTASHIP_WEBHOOK_ALLOW_PRIVATE (see webhook-target.ts). */
    private readonly allowPrivate = false,
  ) {}

  /** The webhook's signing secret (see the top of this file). */
  secretFor(webhookId: string): string {
    return webhookSecret(this.serverSecret, webhookId);
  }

  async create(principal: Principal, input: CreateWebhookInput): Promise<{ webhook: WebhookView; secret: string }> {
    authorize(principal, 'webhook:manage');
    const url = checkUrl(input.url);
    // A literal private address is refused now; names are checked on every delivery (webhook-target.ts).
    checkTargetUrl(new URL(url), this.allowPrivate);
    const events = checkEvents(input.events);
    const appId = input.appId ?? null;
    if (appId !== null && typeof appId !== 'string') throw new OtashipError('VALIDATION', 'appId must be an app id or null (every app)');
    if (appId !== null && (!isId(appId) || !(await this.repos.apps.get(appId)))) {
      throw new OtashipError('NOT_FOUND', `app ${appId.slice(0, 64)} does not exist`);
    }
    const description = input.description ?? '';
    if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
      throw new OtashipError('VALIDATION', `description must be text of at most ${MAX_DESCRIPTION} characters`);
    }
    const now = this.clock();
    const hook = await this.repos.webhooks.create({ id: newId(now), url, events, appId, description: description.trim(), createdAt: now });
    return { webhook: webhookView(hook), secret: this.secretFor(hook.id) };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    authorize(principal, 'webhook:manage');
    return (await this.repos.webhooks.list()).map(webhookView);
  }

  async get(principal: Principal, id: string): Promise<WebhookView> {
    authorize(principal, 'webhook:manage');
    return webhookView(await this.#hook(id));
  }

  /** Deletes the webhook; its pending deliveries are never sent. */
  async delete(principal: Principal, id: string): Promise<void> {
    authorize(principal, 'webhook:manage');
    const ok = isId(id) && (await this.repos.webhooks.delete(id));
    if (!ok) throw notFound(id);
  }

  /** Sends a `ping` through the outbox now and returns its delivery (with the attempt's outcome). */
  async ping(principal: Principal, id: string): Promise<DeliveryView> {
    authorize(principal, 'webhook:manage');
    const hook = await this.#hook(id);
    const now = this.clock();
    const deliveryId = newId(now);
    const payload = JSON.stringify({
      event: 'ping',
      id: deliveryId,
      occurredAt: now.toISOString(),
      webhook: webhookView(hook),
    });
    await this.repos.webhooks.enqueue([{ id: deliveryId, webhookId: hook.id, event: 'ping', payload, createdAt: now }]);
    await this.dispatcher.deliverNow(deliveryId);
    return this.#deliveryView(hook.id, deliveryId);
  }

  /**
   * Sends a delivered or failed delivery again now (same body and delivery id), with a fresh retry
   * schedule if it fails; answers with the delivery after the attempt.
   */
  async redeliver(principal: Principal, id: string, deliveryId: string): Promise<DeliveryView> {
    authorize(principal, 'webhook:manage');
    const hook = await this.#hook(id);
    const delivery = isId(deliveryId) ? await this.repos.webhooks.getDelivery(deliveryId) : null;
    if (!delivery || delivery.webhookId !== hook.id) {
      throw new OtashipError('NOT_FOUND', `webhook ${hook.id} has no delivery ${deliveryId.slice(0, 64)}`);
    }
    if (!(await this.repos.webhooks.requeue(delivery.id, this.clock()))) {
      throw new OtashipError('CONFLICT', `delivery ${delivery.id} is still pending: it is retried on its own (next at ${delivery.nextAttemptAt.toISOString()})`);
    }
    await this.dispatcher.deliverNow(delivery.id);
    return this.#deliveryView(hook.id, delivery.id);
  }

  /** The webhook's most recent deliveries (newest first), each with every attempt. */
  async deliveries(principal: Principal, id: string, limit = 50): Promise<DeliveryView[]> {
    authorize(principal, 'webhook:manage');
    const hook = await this.#hook(id);
    return (await this.repos.webhooks.deliveries(hook.id, Math.min(Math.max(1, limit), 200))).map(deliveryView);
  }

  async record(tx: Pick<Repositories, 'webhooks'>, event: ReleaseEvent, app: AppRecord, release: ReleaseRecord): Promise<void> {
    const hooks = await tx.webhooks.subscribers(event, app.id);
    if (hooks.length === 0) return;
    const now = this.clock();
    // A deleted release has no links any more; the others carry the same links the API returns
    // (with access tokens for private releases: receivers are trusted).
    const links = event === 'release.deleted' ? null : this.urls.release(release, app);
    const body = {
      app: appJson(app),
      release: {
        ...releaseJson(release, app),
        installPageUrl: links?.installPageUrl ?? null,
        installLink: links?.installLink ?? null,
        manifestUrl: links?.manifestUrl ?? null,
        downloadUrl: links?.downloadUrl ?? null,
        linksExpireAt: links?.expiresAt ?? null,
      },
    };
    await tx.webhooks.enqueue(
      hooks.map((hook) => {
        const id = newId(now);
        return { id, webhookId: hook.id, event, createdAt: now, payload: JSON.stringify({ event, id, occurredAt: now.toISOString(), ...body }) };
      }),
    );
  }

  notify(): void {
    this.dispatcher.wake();
  }

  async #deliveryView(webhookId: string, deliveryId: string): Promise<DeliveryView> {
    const found = (await this.repos.webhooks.deliveries(webhookId, 200)).find((d) => d.id === deliveryId);
    if (!found) throw notFound(webhookId); // deleted meanwhile
    return deliveryView(found);
  }

  async #hook(id: string): Promise<WebhookRecord> {
    const hook = isId(id) ? await this.repos.webhooks.get(id) : null;
    if (!hook) throw notFound(id);
    return hook;
  }
}

/** HMAC(server secret, 'webhook:' + id): the same on every instance, stored nowhere. */
export function webhookSecret(serverSecret: string, webhookId: string): string {
  return `whsec_${createHmac('sha256', serverSecret).update(`webhook:${webhookId}`).digest('base64url')}`;
}

function checkUrl(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw new OtashipError('VALIDATION', 'url is required: the absolute http(s) URL to POST events to');
  const text = value.trim();
  if (text.length > MAX_URL) throw new OtashipError('VALIDATION', `url must be at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OtashipError('VALIDATION', `url ${JSON.stringify(text.slice(0, 200))} is not an absolute URL: give one like https://ci.example.com/hooks/otaship`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OtashipError('VALIDATION', `url must be http:// or https://, not ${url.protocol.slice(0, 40)} (the server POSTs events to it)`);
  }
  if (url.username || url.password) {
    throw new OtashipError('VALIDATION', 'url must not carry a user name or password: verify the X-Otaship-Signature header instead');
  }
  return url.href;
}

function checkEvents(value: unknown): WebhookEvent[] {
  if (value === undefined || value === null) return [...RELEASE_EVENTS];
  const known: readonly string[] = RELEASE_EVENTS;
  if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string' && known.includes(e))) {
    throw new OtashipError('VALIDATION', `events must be a non-empty list of: ${RELEASE_EVENTS.join(', ')} (omit it for all)`);
  }
  return [...new Set(value as ReleaseEvent[])];
}

export function webhookView(h: WebhookRecord): WebhookView {
  return { id: h.id, url: h.url, events: h.events, appId: h.appId, description: h.description, createdAt: h.createdAt.toISOString() };
}

function deliveryView(d: WebhookDeliveryRecord & { attempts: WebhookAttemptRecord[] }): DeliveryView {
  return {
    id: d.id,
    event: d.event,
    state: d.state,
    attemptCount: d.attemptCount,
    createdAt: d.createdAt.toISOString(),
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
    attempts: d.attempts.map((a) => ({ attemptedAt: a.attemptedAt.toISOString(), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs })),
  };
}

function notFound(id: string): OtashipError {
  return new OtashipError('NOT_FOUND', `webhook ${id.slice(0, 64)} does not exist`);
}
