// Sends the webhook outbox. Every instance runs one dispatcher: it polls for due deliveries, claims
// each with one conditional UPDATE (so two instances never send the same attempt), POSTs it signed,
// logs the attempt and schedules a retry with backoff, or gives up. Nothing here runs inside a
// request: publishing only writes outbox rows and wakes the dispatcher.
//
// Requests: POST, JSON body, 10 s timeout, redirects NOT followed (a 3xx is a failed attempt), any
// 2xx is success; only to public addresses unless private ones are allowed (webhook-target.ts), and
// failures logged coarsely ("connection failed", "timed out", "refused: private address"). Headers: X-Otaship-Event, X-Otaship-Delivery, X-Otaship-Timestamp (unix seconds)
// and X-Otaship-Signature: sha256=<hex HMAC-SHA256 of `${timestamp}.${body}` with the webhook's secret>.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookDeliveryRecord, WebhookRepository } from '../ports/repositories.js';
import { VERSION } from '../version.js';
import type { Clock } from './clock.js';
import { newId } from './ids.js';
import { PollLoop } from './poll-loop.js';
import { REFUSED_PRIVATE, RefusedTargetError, guardedLookup, isRefusedAddress } from './webhook-target.js';

/** How long stop() lets requests in flight finish before aborting them. */
const STOP_GRACE_MS = 3000;

/** 1 min, 5 min, 30 min, 2 h, 6 h: six attempts in all over about 8.6 hours, then the delivery is failed. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000];

const PRUNE_EVERY_MS = 3600_000;

export interface WebhookDispatchOptions {
  /** How often each instance looks for due deliveries (default 5 s; new events wake it at once). */
  pollIntervalMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Wait before each retry; its length is the number of retries (default DEFAULT_RETRY_DELAYS_MS). */
  retryDelaysMs?: readonly number[];
  /** Deliveries sent at once per poll (default 10). */
  batchSize?: number;
  /** How long finished deliveries stay in the log (default 30 days; checked hourly). */
  retentionMs?: number;
}

export interface DispatcherDeps {
  repo: WebhookRepository;
  clock: Clock;
  /** The webhook's signing secret. */
  secretFor: (webhookId: string) => string;
  /** Where unexpected failures go (the server logger). */
  onError?: (err: unknown) => void;
  /** OTASHIP_WEBHOOK_ALLOW_PRIVATE: deliver to loopback and private-network addresses too (webhook-target.ts). */
  allowPrivate?: boolean;
}

/** The signature header value for a body sent at `timestamp` (unix seconds, as text). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #loop: PollLoop;
  readonly #timeout: number;
  readonly #retries: readonly number[];
  readonly #batch: number;
  readonly #retention: number;
  readonly #allowPrivate: boolean;
  #prunedAt = 0;
  readonly #inflight = new Set<Promise<void>>();
  readonly #controllers = new Set<AbortController>();

  constructor(deps: DispatcherDeps, options: WebhookDispatchOptions = {}) {
    this.#deps = deps;
    this.#loop = new PollLoop(() => this.#pass(), options.pollIntervalMs ?? 5000, deps.onError);
    this.#timeout = options.timeoutMs ?? 10_000;
    this.#retries = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#batch = options.batchSize ?? 10;
    this.#retention = options.retentionMs ?? 30 * 86400_000;
    this.#allowPrivate = deps.allowPrivate === true;
  }

  /** Starts polling (the composition root calls this once the server is built). */
  start(): void {
    this.#loop.start();
  }

  /** Looks for due deliveries now instead of at the next poll (after an event was recorded). */
  wake(): void {
    this.#loop.wake();
  }

  /** Attempts one delivery now if it is due and unclaimed (the test endpoint); resolves when done. */
  deliverNow(id: string): Promise<void> {
    return this.#track(this.#attempt(id));
  }

  /** Stops polling, aborts requests in flight (they are retried later, uncounted) and waits for them. */
  async stop(): Promise<void> {
    const loop = this.#loop.halt();
    // Requests already on the wire get a moment to be answered, so their outcome is logged rather
    // than the delivery being sent a second time by the next instance once its claim lapses.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.#inflight]),
      new Promise((resolve) => {
        grace = setTimeout(resolve, STOP_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
    for (const c of this.#controllers) c.abort();
    await loop;
    await Promise.all([...this.#inflight]);
  }

  /** Delivers what is due, a batch at a time, until a batch comes back short (or it stops). */
  async #pass(): Promise<void> {
    const now = this.#deps.clock().getTime();
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      await this.#deps.repo.prune(new Date(now - this.#retention));
    }
    for (;;) {
      if (this.#loop.stopped) return;
      const ids = await this.#deps.repo.due(this.#deps.clock(), this.#batch);
      await Promise.all(ids.map((id) => this.#track(this.#attempt(id))));
      if (ids.length < this.#batch) return;
    }
  }

  #track(p: Promise<void>): Promise<void> {
    const tracked = p.catch((err: unknown) => this.#deps.onError?.(err));
    this.#inflight.add(tracked);
    void tracked.finally(() => this.#inflight.delete(tracked));
    return tracked;
  }

  async #attempt(id: string): Promise<void> {
    if (this.#loop.stopped) return;
    const { repo, clock } = this.#deps;
    const now = clock();
    // The claim outlives the request, so no other instance picks the delivery up meanwhile; if this
    // instance dies, the claim lapses and another one retries.
    const delivery = await repo.claim(id, now, new Date(now.getTime() + this.#timeout + 60_000));
    if (!delivery) return;
    const hook = await repo.get(delivery.webhookId);
    if (!hook) return; // deleted meanwhile: its deliveries went with it
    const outcome = await this.#post(hook.url, hook.id, delivery);
    if (outcome === 'aborted') return;
    const at = clock();
    const tries = delivery.attemptCount + 1;
    const ok = outcome.error === null;
    const retryIn = this.#retries[tries - 1];
    await repo.recordAttempt(
      { id: newId(at), deliveryId: delivery.id, webhookId: hook.id, attemptedAt: now, ...outcome },
      ok
        ? { state: 'delivered', nextAttemptAt: at }
        : retryIn === undefined
          ? { state: 'failed', nextAttemptAt: at }
          : { state: 'pending', nextAttemptAt: new Date(at.getTime() + retryIn) },
    );
  }

  async #post(
    url: string,
    webhookId: string,
    delivery: WebhookDeliveryRecord,
  ): Promise<{ statusCode: number | null; error: string | null; durationMs: number } | 'aborted'> {
    const timestamp = String(Math.floor(this.#deps.clock().getTime() / 1000));
    const controller = new AbortController();
    this.#controllers.add(controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeout);
    const started = performance.now();
    const duration = () => Math.round(performance.now() - started);
    let connected = false;
    try {
      const res = await postTo(new URL(url), {
        allowPrivate: this.#allowPrivate,
        onConnect: () => {
          connected = true;
        },
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': `otaship-webhooks/${VERSION}`,
          'x-otaship-event': delivery.event,
          'x-otaship-delivery': delivery.id,
          'x-otaship-webhook': webhookId,
          'x-otaship-timestamp': timestamp,
          'x-otaship-signature': webhookSignature(this.#deps.secretFor(webhookId), timestamp, delivery.payload),
        },
        body: delivery.payload,
      });
      const durationMs = duration();
      if (res.status >= 200 && res.status < 300) return { statusCode: res.status, error: null, durationMs };
      const error =
        res.status >= 300 && res.status < 400
          ? `the receiver answered ${res.status} (redirect to ${(res.location ?? '?').slice(0, 300)}); redirects are not followed`
          : `the receiver answered ${res.status}`;
      return { statusCode: res.status, error, durationMs };
    } catch (err) {
      if (!timedOut && controller.signal.aborted) return 'aborted'; // shutting down: retried later
      const durationMs = duration();
      // A connect that never completes (a filtered port) reads like a refused one: "connection failed".
      if (timedOut) return { statusCode: null, error: connected ? TIMED_OUT : CONNECTION_FAILED, durationMs };
      return { statusCode: null, error: describeFailure(err), durationMs };
    } finally {
      clearTimeout(timer);
      this.#controllers.delete(controller);
    }
  }
}

// What the delivery log says when no answer came. Deliberately coarse: "refused" (ECONNREFUSED:
// nothing listens) against a connect timeout (filtered) against a TLS error (something listens) is
// exactly what turns a delivery log into a port scanner. So every failure to connect (DNS, refused,
// unreachable, connect timeout, TLS) is "connection failed"; "timed out" means the receiver accepted
// the connection but did not answer in time.
const TIMED_OUT = 'timed out';
const CONNECTION_FAILED = 'connection failed';

function describeFailure(err: unknown): string {
  return err instanceof RefusedTargetError ? REFUSED_PRIVATE : CONNECTION_FAILED;
}

/**
 * One POST with node:http(s), so the connection can be guarded: a literal IP host is checked here,
 * a name through guardedLookup (resolve, check every address, connect to a checked one). fetch
 * offers no such hook without the undici package. Redirects are not followed; the answer's body is
 * not read.
 */
function postTo(
  url: URL,
  options: { allowPrivate: boolean; onConnect: () => void; signal: AbortSignal; headers: Record<string, string>; body: string },
): Promise<{ status: number; location: string | null }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isRefusedAddress(host, options.allowPrivate)) return Promise.reject(new RefusedTargetError());
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      signal: options.signal,
      lookup: guardedLookup(options.allowPrivate),
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      // One request per delivery: no pooled socket outlives it (or the server's shutdown).
      agent: false,
    });
    req.on('error', reject);
    req.once('socket', (socket) => socket.once('connect', options.onConnect));
    req.once('response', (res) => {
      const location = res.headers.location ?? null;
      res.resume();
      res.destroy();
      resolve({ status: res.statusCode ?? 0, location });
    });
    req.end(options.body);
  });
}
