// Versioned schema migrations, kept in code (not read from files at run time) so they work the
// same from src/ under tsx and from dist/. Never edit a migration that has shipped: add a new one.
import { sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from './schema.js';

/** Column types that differ between the dialects; everything else is portable SQL. */
function types(dialect: SqlDialect) {
  return dialect === 'postgres'
    ? ({ timestamp: 'timestamptz', bool: 'boolean', bigint: 'bigint' } as const)
    : ({ timestamp: 'text', bool: 'integer', bigint: 'integer' } as const);
}

function migrations(dialect: SqlDialect): Record<string, Migration> {
  const t = types(dialect);
  return {
    '0001_initial': {
      // Kysely recommends Kysely<any> in migrations: they must keep compiling as the schema moves on.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('apps')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('bundle_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('is_public', t.bool, (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('updated_at', t.timestamp, (c) => c.notNull())
          .addUniqueConstraint('apps_platform_bundle_unique', ['platform', 'bundle_id'])
          .execute();

        await db.schema
          .createTable('releases')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
          .addColumn('version', 'text')
          .addColumn('build', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('size', t.bigint, (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('package_key', 'text', (c) => c.notNull())
          .addColumn('icon_key', 'text')
          .addColumn('icon57_key', 'text')
          .addColumn('icon512_key', 'text')
          // Text, not jsonb, on purpose: jsonb rejects \u0000 (a hostile package can put one in a
          // name) and reorders keys; nothing queries inside the document.
          .addColumn('info', 'text', (c) => c.notNull())
          .addColumn('notes', 'text', (c) => c.notNull())
          .addColumn('is_public', t.bool)
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .execute();
        // Serves "releases of an app, newest first" and keyset pagination on (created_at, id).
        await db.schema
          .createIndex('releases_app_created')
          .on('releases')
          .columns(['app_id', 'created_at desc', 'id desc'])
          .execute();

        await db.schema
          .createTable('counters')
          .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('n', t.bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('counters_pk', ['release_id', 'kind'])
          .execute();

        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('app_id', 'text', (c) => c.references('apps.id').onDelete('cascade'))
          .addColumn('admin', t.bool, (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('last_used_at', t.timestamp)
          .addColumn('revoked_at', t.timestamp)
          .addColumn('expires_at', t.timestamp)
          .execute();

        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        for (const table of ['settings', 'api_tokens', 'counters', 'releases', 'apps']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0002_devices': {
      // Devices registered through the UDID profile service (/udid), and the one-time nonces their
      // registrations consumed (kept until the nonce would have expired anyway).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('devices')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('udid', 'text', (c) => c.notNull().unique())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('serial', 'text')
          .addColumn('device_name', 'text')
          .addColumn('label', 'text')
          .addColumn('first_registered_at', t.timestamp, (c) => c.notNull())
          .addColumn('last_registered_at', t.timestamp, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('device_nonces')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('udid', 'text', (c) => c.notNull())
          .addColumn('expires_at', t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('device_nonces_expires').on('device_nonces').column('expires_at').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        for (const table of ['device_nonces', 'devices']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0003_webhooks': {
      // Webhooks, and the outbox of their deliveries (one row per event per webhook, polled by every
      // instance's dispatcher) with a log of every attempt. No secret is stored: each webhook's
      // signing secret is derived from the server secret (services/webhooks.ts).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('webhooks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('app_id', 'text', (c) => c.references('apps.id').onDelete('cascade'))
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempt_count', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_at', t.timestamp, (c) => c.notNull())
          .addColumn('claimed_until', t.timestamp)
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .execute();
        // The dispatcher's poll: pending rows by due time.
        await db.schema
          .createIndex('webhook_deliveries_due')
          .on('webhook_deliveries')
          .columns(['state', 'next_attempt_at'])
          .execute();
        await db.schema
          .createIndex('webhook_deliveries_hook')
          .on('webhook_deliveries')
          .columns(['webhook_id', 'created_at desc'])
          .execute();

        await db.schema
          .createTable('webhook_attempts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
          .addColumn('webhook_id', 'text', (c) => c.notNull())
          .addColumn('attempted_at', t.timestamp, (c) => c.notNull())
          .addColumn('status_code', 'integer')
          .addColumn('error', 'text')
          .addColumn('duration_ms', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').column('delivery_id').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhooks']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0004_upload_locks': {
      // One row per resumable upload, shared by every instance: who started it and the length it
      // declared (the per-token quota of unfinished uploads), and the lease of the one request that may
      // write it (holder, lease_until; release_requested asks a holder on another instance to let go).
      // No foreign key to api_tokens: the bootstrap admin token is not a row there.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('upload_locks')
          .addColumn('upload_id', 'text', (c) => c.primaryKey())
          .addColumn('owner_token_id', 'text')
          .addColumn('size', t.bigint)
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('holder', 'text')
          .addColumn('lease_until', t.timestamp)
          .addColumn('release_requested', t.bool, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('upload_locks_owner').on('upload_locks').column('owner_token_id').execute();
        await db.schema.createIndex('upload_locks_created').on('upload_locks').column('created_at').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await sql`drop table if exists ${sql.table('upload_locks')}`.execute(db);
      },
    },
    '0005_blob_intents': {
      // Blob prefixes written before their release is committed (see BlobIntentRepository).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('blob_intents')
          .addColumn('prefix', 'text', (c) => c.primaryKey())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('claimed_until', t.timestamp)
          .execute();
        await db.schema.createIndex('blob_intents_created').on('blob_intents').column('created_at').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await sql`drop table if exists blob_intents`.execute(db);
      },
    },
    '0006_sessions': {
      // Admin web sessions, so signing out (or an operator) can end one on every instance: the cookie
      // is signed, and its session must also still be here. Keyed by the SHA-256 of the session id,
      // so a database dump holds nothing a cookie could be made from.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('expires_at', t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await sql`drop table if exists sessions`.execute(db);
      },
    },
    '0007_devices_guard': {
      // Anonymous registration (/udid) must neither flood the device list nor rewrite a known device:
      // a device stays unreviewed until an admin reviews it (a cap bounds how many may wait), and a
      // re-registration of a known UDID is kept aside as a claim (JSON) for the admin to accept or
      // drop. Devices registered before this migration count as reviewed.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable('devices').addColumn('reviewed_at', t.timestamp).execute();
        await db.schema.alterTable('devices').addColumn('claim', 'text').execute();
        await sql`update devices set reviewed_at = first_registered_at`.execute(db);
        await db.schema.createIndex('devices_reviewed').on('devices').column('reviewed_at').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropIndex('devices_reviewed').ifExists().execute();
        await db.schema.alterTable('devices').dropColumn('claim').execute();
        await db.schema.alterTable('devices').dropColumn('reviewed_at').execute();
      },
    },
    '0008_release_source': {
      // Where a build came from (CI, branch, commit, build link), as `otaship publish` detects it from
      // the CI's environment: JSON text like `info`, nullable because older releases and uploads from a
      // laptop have none.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable('releases').addColumn('source', 'text').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable('releases').dropColumn('source').execute();
      },
    },
    '0009_people': {
      // People, groups and their roles on apps (services/authz.ts decides from these).
      //  - people: identified by e-mail; email_key (the address lowercased) is the unique key, so
      //    Ann@Example.com and ann@example.com are one person on both dialects without a functional
      //    index. `admin` is the instance-admin flag; a disabled person can no longer sign in.
      //  - groups / group_members: named sets of people. `via` says how a member got in: 'admin'
      //    (added by hand) or 'claim' (mapped from the identity provider's groups claim at sign-in,
      //    and re-synced at every sign-in without touching the hand-made memberships).
      //  - grants: a role (manager | developer | tester) of one subject (a person or a group: exactly
      //    one of person_id / group_id) on an app. subject_key ('p:<id>' or 'g:<id>') makes "one grant
      //    per subject and app" a plain unique constraint (NULLs in person_id/group_id would not).
      //    Release channels, when they come, are granted through the same table: a nullable
      //    channel_id column joins the unique key (null = the whole app), so a tester can be given
      //    one channel of an app without a second grants table or a second authorisation path.
      //  - api_tokens.person_id: null = a service token (CI), as every token made before this
      //    migration is; set = a personal token acting as that person, ending with them.
      //  - sessions.person_id: the person a session signs in (null: a token session, as before);
      //    deleting the person ends their sessions on every instance.
      //  - auth_tickets: single-use secrets (e-mail sign-in links, invitations, OpenID Connect
      //    sign-in attempts), stored only as a SHA-256 of the secret, expiring, consumed once.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('people')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('email_key', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('admin', t.bool, (c) => c.notNull())
          .addColumn('disabled_at', t.timestamp)
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('last_sign_in_at', t.timestamp)
          .execute();

        await db.schema
          .createTable('groups')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('group_members')
          .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
          .addColumn('via', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'person_id'])
          .execute();
        await db.schema.createIndex('group_members_person').on('group_members').column('person_id').execute();

        await db.schema
          .createTable('grants')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
          .addColumn('subject_key', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('cascade'))
          .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addUniqueConstraint('grants_app_subject_unique', ['app_id', 'subject_key'])
          .addCheckConstraint('grants_one_subject', sql`(person_id is null) <> (group_id is null)`)
          .addCheckConstraint('grants_role', sql`role in ('manager', 'developer', 'tester')`)
          .execute();
        await db.schema.createIndex('grants_person').on('grants').column('person_id').execute();
        await db.schema.createIndex('grants_group').on('grants').column('group_id').execute();

        await db.schema
          .createTable('auth_tickets')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('email_key', 'text')
          .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('cascade'))
          .addColumn('data', 'text')
          .addColumn('client_key', 'text')
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('expires_at', t.timestamp, (c) => c.notNull())
          .addColumn('used_at', t.timestamp)
          .execute();
        // Throttle counts (recent tickets per address) and the sweep of expired ones.
        await db.schema.createIndex('auth_tickets_email').on('auth_tickets').columns(['email_key', 'created_at']).execute();
        await db.schema.createIndex('auth_tickets_expires').on('auth_tickets').column('expires_at').execute();

        await db.schema
          .alterTable('api_tokens')
          .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('cascade'))
          .execute();
        await db.schema
          .alterTable('sessions')
          .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('cascade'))
          .execute();
        await db.schema.createIndex('sessions_person').on('sessions').column('person_id').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropIndex('sessions_person').ifExists().execute();
        await db.schema.alterTable('sessions').dropColumn('person_id').execute();
        await db.schema.alterTable('api_tokens').dropColumn('person_id').execute();
        for (const table of ['auth_tickets', 'grants', 'group_members', 'groups', 'people']) {
          await sql`drop table if exists ${sql.table(table)}`.execute(db);
        }
      },
    },
    '0010_bundle_conversion': {
      // Android App Bundles: a release published as an .aab keeps the bundle and gets a universal APK
      // built off the request path by whichever instance claims its job.
      //  - releases.bundle: JSON text of the bundle (blob key, size, SHA-256, what inspect read, and
      //    whether its APK is ready); null for releases published as an .apk or .ipa.
      //  - bundle_jobs: one conversion per release. state queued → running → done | failed; a
      //    running job has a holder and a lease (lease_until) it renews while it works, so a job whose
      //    instance died is claimed again by another once the lease lapses; attempts counts claims,
      //    error says why the last attempt failed.
      //  - app_signing_keys: the keystore that signs an app's APKs, generated by otaship or uploaded by
      //    the app's manager. Keystore and passwords are sealed (AES-256-GCM under a key derived from
      //    the instance's signing secret, services/bundle/seal.ts): the database alone, a dump or a
      //    backup of it does not give the power to sign as the app. In the database and not in files
      //    because every instance signs, with any blob store.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable('releases').addColumn('bundle', 'text').execute();
        await db.schema
          .createTable('bundle_jobs')
          .addColumn('release_id', 'text', (c) => c.primaryKey().references('releases.id').onDelete('cascade'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('holder', 'text')
          .addColumn('lease_until', t.timestamp)
          .addColumn('error', 'text')
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('updated_at', t.timestamp, (c) => c.notNull())
          .addCheckConstraint('bundle_jobs_state', sql`state in ('queued', 'running', 'done', 'failed')`)
          .execute();
        // The workers' poll: jobs to claim by state, oldest first.
        await db.schema.createIndex('bundle_jobs_state').on('bundle_jobs').columns(['state', 'created_at']).execute();
        await db.schema
          .createTable('app_signing_keys')
          .addColumn('app_id', 'text', (c) => c.primaryKey().references('apps.id').onDelete('cascade'))
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('keystore', 'text', (c) => c.notNull())
          .addColumn('store_password', 'text', (c) => c.notNull())
          .addColumn('key_password', 'text', (c) => c.notNull())
          .addColumn('alias', 'text', (c) => c.notNull())
          .addColumn('certificate_sha256', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addCheckConstraint('app_signing_keys_origin', sql`origin in ('generated', 'uploaded')`)
          .execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await sql`drop table if exists app_signing_keys`.execute(db);
        await sql`drop table if exists bundle_jobs`.execute(db);
        await db.schema.alterTable('releases').dropColumn('bundle').execute();
      },
    },
    '0011_share_links': {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        // Share links as records (services/share-links.ts): the signed URL names a row here, and every
        // use reads it, so one link is revoked, expires or runs out of installs on its own, at once,
        // on every instance. Deleting the app deletes its links; deleting the release a link names
        // leaves the link, which then answers "not found" (its counts stay for the list).
        await db.schema
          .createTable('share_links')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
          // null: the app's latest build at each visit
          .addColumn('release_id', 'text')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('expires_at', t.timestamp)
          .addColumn('install_limit', 'integer')
          // scrypt hash (services/passcode.ts), never the passcode itself
          .addColumn('passcode_hash', 'text')
          .addColumn('views', t.bigint, (c) => c.notNull().defaultTo(0))
          .addColumn('installs', t.bigint, (c) => c.notNull().defaultTo(0))
          .addColumn('revoked_at', t.timestamp)
          .execute();
        await db.schema.createIndex('share_links_app').on('share_links').columns(['app_id', 'id']).execute();
        // One row per counted install: a retried or resumed download of the same install (same key)
        // is not counted again, and the limit is checked against distinct installs.
        await db.schema
          .createTable('share_link_installs')
          .addColumn('link_id', 'text', (c) => c.notNull().references('share_links.id').onDelete('cascade'))
          .addColumn('install_key', 'text', (c) => c.notNull())
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addPrimaryKeyConstraint('share_link_installs_pk', ['link_id', 'install_key'])
          .execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropTable('share_link_installs').ifExists().execute();
        await db.schema.dropTable('share_links').ifExists().execute();
      },
    },
    '0012_person_installs': {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        // Who installed which build: a signed-in tester's install links name them (per-person asset
        // tokens, services/person-links.ts), so each manifest fetch and download start is counted
        // for the person, shown to the app's managers. Gone with the release or the person.
        await db.schema
          .createTable('person_installs')
          .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id').onDelete('cascade'))
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
          .addColumn('manifest_fetches', 'integer', (c) => c.notNull())
          .addColumn('downloads', 'integer', (c) => c.notNull())
          .addColumn('first_at', t.timestamp, (c) => c.notNull())
          .addColumn('last_at', t.timestamp, (c) => c.notNull())
          .addPrimaryKeyConstraint('person_installs_pk', ['release_id', 'person_id'])
          .execute();
        await db.schema.createIndex('person_installs_person').on('person_installs').column('person_id').execute();
        // Devices belong to people: a UDID registered while signed in is the person's, so managers
        // can list their testers' devices missing from a build's provisioning profile. A removed
        // person's device stays registered, owned by nobody.
        await db.schema
          .alterTable('devices')
          .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('set null'))
          .execute();
        await db.schema.createIndex('devices_person').on('devices').column('person_id').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.dropIndex('devices_person').ifExists().execute();
        await db.schema.alterTable('devices').dropColumn('person_id').execute();
        await sql`drop table if exists person_installs`.execute(db);
      },
    },
    '0013_audit_log': {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        // Who did what, when. No foreign keys on purpose: an entry outlives the person, token, app
        // or release it names (deleting an app must not delete the record that it was deleted).
        await db.schema
          .createTable('audit_log')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('at', t.timestamp, (c) => c.notNull())
          .addColumn('actor_kind', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text')
          .addColumn('actor_label', 'text')
          .addColumn('client', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target_type', 'text')
          .addColumn('target_id', 'text')
          .addColumn('target_label', 'text')
          .addColumn('app_id', 'text')
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .execute();
        // The log newest first (keyset pagination on (at, id)) and the retention sweep (at <).
        await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at desc', 'id desc']).execute();
        // An app manager's view: their apps' entries, newest first.
        await db.schema.createIndex('audit_log_app').on('audit_log').columns(['app_id', 'at desc']).execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await sql`drop table if exists audit_log`.execute(db);
      },
    },
    '0014_group_notices': {
      // "New build" notices and sign-out at the identity provider.
      //  - groups.notify_new_builds: the per-group switch; members of a group with a role on an app
      //    and this switch on are mailed when a build of that app is published (services/build-notices.ts).
      //  - people.notices_off_at: the person's own opt-out (the signed link in every notice); set,
      //    they receive no notices whatever their groups say.
      //  - sessions.id_token: the ID token of a single sign-on session, sent back to the provider as
      //    id_token_hint when the person signs out (RP-initiated logout). It is not a credential for
      //    otaship or the provider, and it goes with the session row.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .alterTable('groups')
          .addColumn('notify_new_builds', t.bool, (c) => c.notNull().defaultTo(dialect === 'postgres' ? false : 0))
          .execute();
        await db.schema.alterTable('people').addColumn('notices_off_at', t.timestamp).execute();
        await db.schema.alterTable('sessions').addColumn('id_token', 'text').execute();
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async down(db: Kysely<any>): Promise<void> {
        await db.schema.alterTable('sessions').dropColumn('id_token').execute();
        await db.schema.alterTable('people').dropColumn('notices_off_at').execute();
        await db.schema.alterTable('groups').dropColumn('notify_new_builds').execute();
      },
    },
  };
}

export class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/** Names of every migration, in order (the schema version is the last one applied). */
export function migrationNames(dialect: SqlDialect = 'sqlite'): string[] {
  return Object.keys(migrations(dialect)).sort();
}
