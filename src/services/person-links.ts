// A signed-in person's install links (per-person asset tokens, see link-tokens.ts): who gets them,
// whether the person a token names still may install, and who installed which build.
//
// The iOS installer sends no cookies, so the links a signed-in tester's page hands out carry a
// signed token naming the person and the release. The signature proves only that we minted it;
// whether the person still may install is asked of the database on every manifest, package and
// icon fetch (holder()): removed, disabled, taken out of the group or their role revoked, and their
// links stop at once, on every instance (people.principalFor reads the database, uncached).
import { OtashipError } from '../core/errors.js';
import type { PersonInstallEvent } from '../ports/person-installs.js';
import type { AppRecord, ReleaseRecord, Repositories } from '../ports/repositories.js';
import { authorize, isAllowed } from './authz.js';
import type { Clock } from './clock.js';
import { isId } from './ids.js';
import { effectivePublic, type Grant } from './link-tokens.js';
import type { PeopleService } from './people.js';
import type { Principal } from './principal.js';

export interface PersonInstallJson {
  personId: string;
  email: string;
  name: string;
  manifestFetches: number;
  downloads: number;
  firstAt: string;
  lastAt: string;
}

/** Whether `principal` may install builds of `app` (any role on it, or an instance admin). */
function mayInstall(principal: Principal, app: AppRecord): boolean {
  return isAllowed(principal, 'release:read', { appId: app.id });
}

export class PersonLinks {
  constructor(
    private readonly repos: Pick<Repositories, 'personInstalls' | 'releases' | 'apps'>,
    private readonly people: Pick<PeopleService, 'principalFor'>,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * The person a page visitor's links are minted for: a signed-in person who may install the app's
   * builds. Null for everyone else (they get the link-token rule of link-tokens.ts).
   */
  viewerFor(principal: Principal | null, app: AppRecord): string | null {
    return principal?.person && mayInstall(principal, app) ? principal.person.id : null;
  }

  /**
   * The person holding a person token who still may install this release: their id. A private
   * release refuses them (403) when they may not any more; a public release still opens (anyone may
   * fetch it) but the fetch is not counted as theirs. Null for grants that are not person tokens.
   */
  async holder(grant: Grant, release: ReleaseRecord, app: AppRecord): Promise<string | null> {
    if (grant.scope !== 'person') return null;
    if (await this.#stillMay(grant.personId, app)) return grant.personId;
    if (effectivePublic(release, app)) return null;
    throw new OtashipError(
      'FORBIDDEN',
      'this install link was made for a person who may no longer install this app (removed from its testers, or ' +
        'their account disabled): sign in and open the install page again, or ask a manager of the app',
    );
  }

  async #stillMay(personId: string, app: AppRecord): Promise<boolean> {
    try {
      return mayInstall(await this.people.principalFor(personId, 'bearer'), app);
    } catch (err) {
      // Removed or disabled: principalFor says so with UNAUTHENTICATED. Anything else (the database
      // away) is not an answer about the person and goes on up.
      if (err instanceof OtashipError && err.code === 'UNAUTHENTICATED') return false;
      throw err;
    }
  }

  /**
   * Counts a manifest fetch or download start as the person's. Never fails the install: a count
   * that cannot be written goes to the server log.
   */
  async count(personId: string | null, releaseId: string, event: PersonInstallEvent): Promise<void> {
    if (personId === null) return;
    await this.repos.personInstalls.count(releaseId, personId, event, this.clock()).catch(this.onError);
  }

  /** Who installed a release (its app's managers, and admins). */
  async installs(principal: Principal, releaseId: string): Promise<PersonInstallJson[]> {
    const release = isId(releaseId) ? await this.repos.releases.get(releaseId) : null;
    const app = release ? await this.repos.apps.get(release.appId) : null;
    if (!release || !app) throw new OtashipError('NOT_FOUND', `release ${releaseId.slice(0, 64)} does not exist`);
    authorize(principal, 'release:installs', { appId: app.id, label: `app ${app.bundleId}`, ref: `release ${releaseId.slice(0, 64)}` });
    return (await this.repos.personInstalls.forRelease(release.id)).map((r) => ({
      personId: r.personId,
      email: r.email,
      name: r.name,
      manifestFetches: r.manifestFetches,
      downloads: r.downloads,
      firstAt: r.firstAt.toISOString(),
      lastAt: r.lastAt.toISOString(),
    }));
  }
}
