// Device (UDID) registration through the iOS Profile Service (ota-notes §6), and the admin's list of
// registered devices with Apple's bulk-upload export.
//   enrollmentProfile()  → a .mobileconfig whose URL and Challenge carry a signed nonce (1 h)
//   register(n, body)    → checks the nonce, reads the device's CMS-signed answer, checks its
//                          CHALLENGE, uses the nonce once, stores the device; returns the URL of the
//                          thank-you page (signed, 15 min) for the 301 iOS needs
// Every refusal on the way is a DEVICE_REGISTRATION (400) saying what was wrong.
//
// Registration is anonymous (anyone holding a profile, and anyone can download one; the device's
// answer is not proof of anything an admin knows), so it must not be a way to flood or rewrite the
// device list: one client address registers at most udidPerIpPerHour times an hour, at most
// udidMaxUnreviewed new devices wait for an admin's review (both answered 429 TOO_MANY_REQUESTS), and
// re-registering a known UDID never changes its stored name or model: what it reports is kept aside
// as the device's claim, which an admin accepts or drops (review()).
//
// Devices belong to people: a profile downloaded while signed in carries the person in its signed
// nonce (the device's POST comes from the profile installer, without the browser's cookie), and the
// device registered with it becomes theirs, for their app managers' missing-devices list
// (tester-devices.ts).
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/types.js';
import { applePlatform, buildProfileServiceConfig, profileServiceIdentifier, readDeviceResponse } from '../core/device/index.js';
import { OtashipError, isOtashipError } from '../core/errors.js';
import type { DeviceRecord, Repositories } from '../ports/repositories.js';
import { authorize } from './authz.js';
import { ClientThrottle } from './client-throttle.js';
import type { Clock } from './clock.js';
import { isId } from './ids.js';
import type { Principal } from './principal.js';
import type { SignedPayload, Signer, TokenScope } from './signing.js';

/** How long a downloaded registration profile can be installed (iOS drops uninstalled ones sooner). */
export const NONCE_TTL_SECONDS = 3600;
/** How long the thank-you page link (shown right after registering) works. */
export const DONE_TTL_SECONDS = 15 * 60;
/** Largest device answer accepted; real ones are a few KiB (plist + device certificate chain). */
export const MAX_DEVICE_ANSWER_BYTES = 64 * 1024;
/** Separates the random nonce and the person in a nonce's subject (base64url and ids never contain it). */
const NONCE_PERSON_SEP = ':';

export interface DeviceJson {
  id: string;
  udid: string;
  product: string;
  version: string;
  serial: string | null;
  deviceName: string | null;
  label: string | null;
  /** Apple's device platform for the bulk upload: "ios" or "mac". */
  platform: 'ios' | 'mac';
  firstRegisteredAt: string;
  lastRegisteredAt: string;
  /** False until an admin reviewed the device (PATCH review). */
  reviewed: boolean;
  /** The person who registered it while signed in, or null. */
  personId: string | null;
  /** What a later anonymous registration of this UDID reported, not applied until an admin accepts it. */
  pendingClaim: { product: string; version: string; serial: string | null; deviceName: string | null; at: string } | null;
}

/** An admin's decision on a device: 'keep' its stored facts (dropping any claim) or 'accept' its claim. */
export type ReviewDecision = 'keep' | 'accept';

export class DeviceService {
  readonly #publicUrl: string;
  readonly #throttle: ClientThrottle;

  constructor(
    private readonly repos: Pick<Repositories, 'devices' | 'personInstalls' | 'people'>,
    private readonly signer: Signer,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'publicUrl' | 'udidRegistration' | 'udidMaxUnreviewed' | 'udidPerIpPerHour'>,
  ) {
    this.#publicUrl = config.publicUrl;
    this.#throttle = new ClientThrottle(config.udidPerIpPerHour, 3600_000);
  }

  get registrationOpen(): boolean {
    return this.config.udidRegistration === 'open';
  }

  /** Refuses with NOT_FOUND when registration is turned off. */
  checkOpen(): void {
    if (!this.registrationOpen) {
      throw new OtashipError('NOT_FOUND', 'device registration is turned off on this server (OTASHIP_UDID_REGISTRATION=off)');
    }
  }

  /**
   * The Profile Service .mobileconfig for one download: a fresh nonce and PayloadUUID each time.
   * `personId`: the signed-in person downloading it, who will own the device.
   */
  enrollmentProfile(personId: string | null = null): string {
    this.checkOpen();
    const sub = randomBytes(16).toString('base64url') + (personId === null ? '' : `${NONCE_PERSON_SEP}${personId}`);
    const nonce = this.signer.sign({ sub, scope: 'udid-nonce', exp: this.#exp(NONCE_TTL_SECONDS) });
    const host = new URL(this.#publicUrl).host;
    return buildProfileServiceConfig({
      callbackUrl: `${this.#publicUrl}/udid/callback?n=${encodeURIComponent(nonce)}`,
      challenge: nonce,
      identifier: profileServiceIdentifier(this.#publicUrl),
      organization: 'otaship',
      displayName: `Register this device with ${host}`,
      description:
        `Sends this device's UDID, model, iOS version, serial number and name to ${host}, so that test builds ` +
        'can include this device. Nothing stays installed.',
    });
  }

  /**
   * Handles the device's POST to the profile service URL from `client` (its address); returns the
   * device and the thank-you page URL.
   */
  async register(nonce: string | undefined, body: Uint8Array, client: string): Promise<{ device: DeviceRecord; doneUrl: string }> {
    this.checkOpen();
    // Every attempt counts, refused ones too: they are guesses.
    const retryAfter = this.#throttle.hit(client, this.clock().getTime());
    if (retryAfter > 0) {
      throw tooMany(
        `too many device registrations from your network in the last hour (at most ${this.config.udidPerIpPerHour}): try again later`,
        retryAfter,
      );
    }
    const payload = this.checkNonce(nonce);
    const answer = readDeviceResponse(body);
    if (answer.challenge !== nonce) {
      throw refuse(
        answer.challenge === null
          ? 'the device answer carries no CHALLENGE'
          : 'the CHALLENGE in the device answer does not belong to this registration link',
      );
    }
    // Checked before the nonce is used up, so the same profile works once there is room again.
    if (!(await this.repos.devices.findByUdid(answer.udid)) && (await this.repos.devices.countUnreviewed()) >= this.config.udidMaxUnreviewed) {
      throw tooMany(
        `too many devices (${this.config.udidMaxUnreviewed}) are waiting for an administrator's review: ask them to review ` +
          'or remove registered devices, then install the registration profile again',
        3600,
      );
    }
    const now = this.clock();
    const usedBy = await this.repos.devices.useNonce(payload.sub, answer.udid, new Date(payload.exp * 1000), now);
    if (usedBy !== answer.udid) throw refuse('this registration profile was already used by another device');
    const device = await this.repos.devices.register({
      udid: answer.udid,
      product: answer.product,
      version: answer.version,
      serial: answer.serial,
      deviceName: answer.deviceName,
      at: now,
    });
    await this.#attach(payload.sub, device);
    const done = this.signer.sign({ sub: device.id, scope: 'udid-done', exp: this.#exp(DONE_TTL_SECONDS) });
    return { device, doneUrl: `${this.#publicUrl}/udid/done?d=${encodeURIComponent(done)}` };
  }

  /**
   * Makes the device the person's when the nonce names one (signed by us, so not forgeable), who
   * still exists and is not disabled. The last signed-in registration of a UDID decides.
   */
  async #attach(nonceSub: string, device: DeviceRecord): Promise<void> {
    const personId = nonceSub.split(NONCE_PERSON_SEP)[1];
    if (!personId) return;
    const person = await this.repos.people.getPerson(personId);
    if (!person || person.disabledAt) return;
    await this.repos.personInstalls.attachDevice(device.udid, person.id);
  }

  /** The device behind a thank-you page link. */
  async registered(token: string | undefined): Promise<DeviceRecord> {
    const payload = this.#verify(token, 'udid-done', {
      missing: 'this page needs the link iOS opened right after registering (d=…)',
      invalid: 'the link of this page is not valid (damaged, or not from this server)',
      expired: `the link of this page has expired (it works for ${DONE_TTL_SECONDS / 60} minutes after registering); the device stays registered`,
    });
    const device = await this.repos.devices.get(payload.sub);
    if (!device) throw new OtashipError('NOT_FOUND', 'this device is no longer registered (an admin removed it): register it again');
    return device;
  }

  async list(principal: Principal): Promise<DeviceJson[]> {
    authorize(principal, 'device:manage');
    return (await this.repos.devices.list()).map(deviceJson);
  }

  async setLabel(principal: Principal, id: string, label: unknown): Promise<DeviceJson> {
    authorize(principal, 'device:manage');
    if (label !== null && typeof label !== 'string') throw new OtashipError('VALIDATION', 'label must be a string or null');
    const text = label === null ? '' : label.trim();
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
    if (text.length > 100 || /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(text)) {
      throw new OtashipError('VALIDATION', 'label must be at most 100 characters on one line');
    }
    const updated = isId(id) ? await this.repos.devices.setLabel(id, text === '' ? null : text) : null;
    if (!updated) throw notFound(id);
    return deviceJson(updated);
  }

  /** An admin's review: 'keep' the stored facts (dropping any claim) or 'accept' the pending claim. */
  async review(principal: Principal, id: string, decision: unknown): Promise<DeviceJson> {
    authorize(principal, 'device:manage');
    if (decision !== 'keep' && decision !== 'accept') {
      throw new OtashipError('VALIDATION', 'review must be "keep" (the stored name and model) or "accept" (the pending claim)');
    }
    const reviewed = isId(id) ? await this.repos.devices.review(id, this.clock(), decision === 'accept') : null;
    if (!reviewed) throw notFound(id);
    return deviceJson(reviewed);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    authorize(principal, 'device:manage');
    if (!(isId(id) && (await this.repos.devices.delete(id)))) throw notFound(id);
  }

  /**
   * Apple's "register multiple devices" upload file: a tab-separated header line, then one device per
   * line (UDID, name, platform). The name is the admin's label, else the device's own name, else its model.
   */
  async appleDeviceList(principal: Principal): Promise<string> {
    authorize(principal, 'device:manage');
    return appleDeviceFile((await this.repos.devices.list()).map((d) => ({ udid: d.udid, name: d.label ?? d.deviceName ?? d.product, product: d.product })));
  }

  /**
   * Registration open and the nonce of a callback URL authentic and current: checked before the
   * device's answer is read, so a stranger cannot make the server wait for a body.
   */
  checkNonce(nonce: string | undefined): SignedPayload {
    this.checkOpen();
    return this.#verify(nonce, 'udid-nonce', {
      missing: 'the registration link has no nonce (n=…): it works only from the installed registration profile',
      invalid: 'the registration nonce is not valid (damaged, or not from this server)',
      expired: `the registration profile has expired (it works for ${NONCE_TTL_SECONDS / 60} minutes after download)`,
    });
  }

  #verify(token: string | undefined, scope: TokenScope, messages: { missing: string; invalid: string; expired: string }): SignedPayload {
    if (!token) throw refuse(messages.missing);
    let payload: SignedPayload;
    try {
      payload = this.signer.verify(token, this.clock().getTime());
    } catch (err) {
      throw refuse(isOtashipError(err) && err.code === 'TOKEN_EXPIRED' ? messages.expired : messages.invalid, err);
    }
    if (payload.scope !== scope) throw refuse(messages.invalid);
    return payload;
  }

  #exp(ttlSeconds: number): number {
    return Math.floor(this.clock().getTime() / 1000) + ttlSeconds;
  }
}

export function deviceJson(d: DeviceRecord): DeviceJson {
  return {
    id: d.id,
    udid: d.udid,
    product: d.product,
    version: d.version,
    serial: d.serial,
    deviceName: d.deviceName,
    label: d.label,
    platform: applePlatform(d.product),
    firstRegisteredAt: d.firstRegisteredAt.toISOString(),
    lastRegisteredAt: d.lastRegisteredAt.toISOString(),
    reviewed: d.reviewedAt !== null,
    personId: d.personId,
    pendingClaim: d.claim && { ...d.claim, at: d.claim.at.toISOString() },
  };
}

function tooMany(message: string, retryAfterSeconds: number): OtashipError {
  return new OtashipError('TOO_MANY_REQUESTS', message, { details: { retryAfterSeconds } });
}

function refuse(message: string, cause?: unknown): OtashipError {
  return new OtashipError('DEVICE_REGISTRATION', message, cause === undefined ? undefined : { cause });
}

function notFound(id: string): OtashipError {
  return new OtashipError('NOT_FOUND', `device ${id.slice(0, 64)} is not registered`);
}

/** Apple's bulk device upload file: a tab-separated header line, then one device per line. */
export function appleDeviceFile(devices: ReadonlyArray<{ udid: string; name: string; product: string }>): string {
  const rows = devices.map((d) => [d.udid, oneField(d.name), applePlatform(d.product)].join('\t'));
  return ['Device ID\tDevice Name\tDevice Platform', ...rows].join('\n') + '\n';
}

/** A value for one tab-separated field: no tabs or line breaks. */
function oneField(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ').trim();
}
