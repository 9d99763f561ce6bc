// Builds the port's Repositories on top of one Kysely instance, whatever its dialect.
import type { Kysely } from 'kysely';
import type { Repositories } from '../ports/repositories.js';
import { appRepository } from './apps.js';
import { auditRepository } from './audit.js';
import { blobIntentRepository } from './blob-intents.js';
import { bundleJobRepository } from './bundle-jobs.js';
import { counterRepository } from './counters.js';
import { deviceRepository } from './devices.js';
import { peopleRepository } from './people.js';
import { personInstallRepository } from './person-installs.js';
import { releaseRepository } from './releases.js';
import type { Database } from './schema.js';
import { sessionRepository } from './sessions.js';
import { shareLinkRepository } from './share-links.js';
import { settingsRepository } from './settings.js';
import { signingKeyRepository } from './signing-keys.js';
import { tokenRepository } from './tokens.js';
import { uploadLockRepository } from './upload-locks.js';
import { webhookRepository } from './webhooks.js';

type BoundRepositories = Omit<Repositories, 'transaction' | 'close'>;

function bind(db: Kysely<Database>): BoundRepositories {
  return {
    apps: appRepository(db),
    releases: releaseRepository(db),
    counters: counterRepository(db),
    tokens: tokenRepository(db),
    settings: settingsRepository(db),
    sessions: sessionRepository(db),
    devices: deviceRepository(db),
    personInstalls: personInstallRepository(db),
    webhooks: webhookRepository(db),
    blobIntents: blobIntentRepository(db),
    uploadLocks: uploadLockRepository(db),
    people: peopleRepository(db),
    audit: auditRepository(db),
    shareLinks: shareLinkRepository(db),
    bundleJobs: bundleJobRepository(db),
    signingKeys: signingKeyRepository(db),
  };
}

export function createRepositories(db: Kysely<Database>, onClose: () => Promise<void> = () => db.destroy()): Repositories {
  let closed = false;
  return {
    ...bind(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(bind(trx))),
    async close() {
      if (closed) return;
      closed = true;
      await onClose();
    },
  };
}
