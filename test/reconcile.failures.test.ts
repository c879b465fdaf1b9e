import { DatabaseSync } from 'node:sqlite'
import { Redis as IORedis } from 'ioredis'
import type { Payload } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, createRedisStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import {
  createPayloadWriter,
  type SyncedAccount,
  type SyncedUser,
} from '../src/better-auth/payloadWriter.ts'
import {
  type BetterAuthReader,
  fullReconcile,
  type SyncFailure,
} from '../src/better-auth/reconcile.ts'
import { TEST_SYNC_SECRET } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { eventually } from './helpers/eventually.ts'
import { startPayload, syncCreate, type TestPayload } from './helpers/payload.ts'
import { uniquePrefix } from './helpers/redis.ts'
import { createSyncedAuth, RECONCILE_TOKEN } from './helpers/syncedAuth.ts'

// Issue 11, rule 5: a reconcile that finishes. A user Payload refuses (Better Auth accepts
// `x@evil-.com`, Payload's email check does not) is counted, listed in /reconcile/status and
// skipped; everyone else is ensured and orphans are removed. The user is written before its mirror
// rows; a lost unique-key race re-reads and updates; a site's existing Payload users are adopted
// only through a verified email.

const EMAIL_PASSWORD = '__better_auth_email_password'
const MIRRORS = [EMAIL_PASSWORD, '__better_auth_magic_link', '__better_auth_social']

type Status = { failures: SyncFailure[]; lastSeedAt: string | null; failed: number }

describeEachDatabase('a reconcile that finishes (on Postgres: Redis storage)', (kind) => {
  let app: TestPayload
  let payload: Payload
  let synced: Awaited<ReturnType<typeof createSyncedAuth>>
  let second: Awaited<ReturnType<typeof createSyncedAuth>>
  const database = new DatabaseSync(':memory:')
  const redisUrl = kind === 'postgres' ? inject('redisUrl') : null
  const client = redisUrl ? new IORedis(redisUrl) : undefined
  const prefix = uniquePrefix('reconcile-failures')
  const storage = client ? createRedisStorage({ redis: client, prefix }) : createMemoryStorage()
  const eventBus = createMemoryEventBus()
  const undeletable = new Set<string>()

  beforeAll(async () => {
    app = await startPayload(kind, {
      plugin: { storage, eventBus },
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'name', type: 'text' },
            // The app's own field: adoption must keep it.
            { name: 'role', type: 'select', options: ['editor', 'admin'] },
          ],
          hooks: {
            // Stands for a delete Payload refuses (a hook of the app, a foreign key).
            beforeOperation: [
              ({ args, operation }) => {
                const id = (args as { id?: unknown }).id
                if (operation === 'delete' && undeletable.has(String(id)))
                  throw new Error('this user cannot be deleted (test hook)')
                return args
              },
            ],
          },
        },
      ],
    })
    payload = app.payload
    const args = {
      payload: async () => payload,
      config: payload.config,
      storage,
      eventBus,
      database,
    }
    synced = await createSyncedAuth(args)
    // Another Better Auth instance on the same storage and database: it must report the same.
    second = await createSyncedAuth(args)
  })
  afterAll(async () => {
    await app?.close()
    if (client) {
      const keys = await client.keys(`${prefix}*`)
      if (keys.length > 0) await client.del(...keys)
      client.disconnect()
    }
  })

  const writer = () =>
    createPayloadWriter({
      payload: async () => payload,
      syncSecret: TEST_SYNC_SECRET,
      mapUserToPayload: (user) => ({ email: user.email, name: String(user.name ?? '') }),
    })

  const call = (auth: typeof synced.auth, path: string, init: RequestInit = {}) =>
    auth.handler(
      new Request(`http://localhost:3000/api/auth${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', 'x-reconcile-token': RECONCILE_TOKEN },
      }),
    )
  const status = async (auth = synced.auth) =>
    (await (await call(auth, '/reconcile/status')).json()) as Status
  // Either instance's worker may run the queued reconcile; each knows only its own lastSeedAt.
  const lastRuns = async () =>
    `${(await status()).lastSeedAt} ${(await status(second.auth)).lastSeedAt}`
  const runReconcile = async () => {
    const before = await lastRuns()
    expect((await call(synced.auth, '/reconcile/run', { method: 'POST' })).status).toBe(200)
    await eventually(async () => expect(await lastRuns()).not.toBe(before), { timeoutMs: 20_000 })
  }

  /** A Better Auth user with an email/password account, written straight into its database. */
  const insertUser = (id: string, email: string, verified = true) => {
    const now = new Date().toISOString()
    database
      .prepare(
        'INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, `Name of ${id}`, email, verified ? 1 : 0, now, now)
    database
      .prepare(
        "INSERT INTO account (id, accountId, providerId, userId, createdAt, updatedAt) VALUES (?, ?, 'credential', ?, ?, ?)",
      )
      .run(`acc-${id}`, id, id, now, now)
    return {
      user: { id, email, name: `Name of ${id}`, emailVerified: verified } as SyncedUser,
      accounts: [{ id: `acc-${id}`, providerId: 'credential', accountId: id }] as SyncedAccount[],
    }
  }
  const usersOf = async (baUserId: string) =>
    (
      await payload.find({
        collection: 'users',
        where: { baUserId: { equals: baUserId } },
        depth: 0,
        overrideAccess: true,
      })
    ).docs
  const mirrorRowsOf = async (baUserId: string) => {
    let count = 0
    for (const collection of MIRRORS)
      count += (
        await payload.count({
          collection,
          where: { baUserId: { equals: baUserId } },
          overrideAccess: true,
        })
      ).totalDocs
    return count
  }
  /** A Payload user from before the plugin: no Better Auth identity, written straight to the database. */
  const legacyUser = (email: string) =>
    payload.db.create({
      collection: 'users',
      data: { email, name: 'Legacy', role: 'editor' },
    }) as Promise<{ id: string | number }>
  const failureOf = async (userId: string, auth = synced.auth) =>
    (await status(auth)).failures.find((failure) => failure.userId === userId)

  it('one user Payload refuses: the others are ensured, the orphan removed, the failure listed', async () => {
    // Ids in this order: the refused user sits between two good ones.
    insertUser('a-good', 'a-good@example.com')
    insertUser('m-evil', 'x@evil-.com')
    insertUser('z-good', 'z-good@example.com')
    // A Payload user (with its mirror row) whose Better Auth user is gone.
    const row = await syncCreate(payload, EMAIL_PASSWORD, {
      baAccountId: 'acc-gone',
      baUserId: 'gone',
      email: 'gone@example.com',
    })
    await syncCreate(payload, 'users', {
      email: 'gone@example.com',
      baUserId: 'gone',
      emailPasswordAccount: row.id,
    })

    await runReconcile()
    expect(await usersOf('a-good')).toHaveLength(1)
    expect(await usersOf('z-good')).toHaveLength(1)
    expect(await usersOf('gone')).toHaveLength(0)
    expect(await mirrorRowsOf('gone')).toBe(0)
    expect(await usersOf('m-evil')).toHaveLength(0)
    expect(await mirrorRowsOf('m-evil')).toBe(0)

    const failure = await failureOf('m-evil')
    expect(failure?.reason).toMatch(/email/)
    expect(failure?.reason).toMatch(/Better Auth/) // says where to fix it
    expect(Number.isNaN(Date.parse(failure?.at ?? ''))).toBe(false)
    // Stored in the shared storage: the other instance lists the same.
    expect((await status(second.auth)).failures).toEqual((await status()).failures)

    // The function itself says what it did.
    const result = await fullReconcile({
      reader: (await synced.auth.$context).adapter as unknown as BetterAuthReader,
      payload,
      writer: writer(),
      usersSlug: 'users',
    })
    expect(result).toMatchObject({ ensured: 2, removed: 0, failed: 1 })
    expect(result.failures.map((f) => f.userId)).toEqual(['m-evil'])
  })

  it('an orphan that cannot be removed is listed; the other orphans are removed', async () => {
    const orphan = (id: string) =>
      syncCreate(payload, 'users', { email: `${id}@example.com`, baUserId: id })
    const stuck = await orphan('gone-stuck')
    await orphan('gone-free')
    undeletable.add(String(stuck.id))
    try {
      await runReconcile()
      expect(await usersOf('gone-free')).toHaveLength(0)
      expect(await usersOf('gone-stuck')).toHaveLength(1)
      expect((await failureOf('gone-stuck'))?.reason).toMatch(/could not remove the orphan/)
    } finally {
      undeletable.delete(String(stuck.id))
    }
  })

  it('a sign-up Payload refuses leaves no mirror rows, and is listed at once', async () => {
    // Better Auth accepts this address; Payload's email validation does not.
    const { user } = await synced.auth.api.signUpEmail({
      body: { email: 'y@evil-.com', password: 'correct-horse-battery', name: 'Eve' },
    })
    expect(await usersOf(user.id)).toHaveLength(0)
    expect(await mirrorRowsOf(user.id)).toBe(0)
    expect((await failureOf(user.id))?.reason).toMatch(/email/)

    // The writer directly: refused before any mirror row is written.
    const evil = insertUser('w-evil', 'w@evil-.com')
    await expect(writer().ensure(evil.user, evil.accounts)).rejects.toThrow(/email/)
    expect(await mirrorRowsOf('w-evil')).toBe(0)
  })

  it('concurrent ensures of one new user end with one user, one mirror row, no error', async () => {
    for (const id of ['race-1', 'race-2', 'race-3']) {
      // Unverified, as a fresh sign-up is: the winner's row must not look like someone else's.
      const { user, accounts } = insertUser(id, `${id}@example.com`, false)
      const writers = [writer(), writer(), writer(), writer()]
      await Promise.all(writers.map((w) => w.ensure(user, accounts)))
      const [doc] = await usersOf(id)
      expect(await usersOf(id)).toHaveLength(1)
      expect(await mirrorRowsOf(id)).toBe(1)
      expect(doc?.emailPasswordAccount).toBeTruthy()
    }
  })

  it('an ensure from a stale snapshot (a sign-up during a reconcile) re-reads and updates', async () => {
    const { user, accounts } = insertUser('stale', 'stale@example.com', false)
    const reconciling = writer()
    // The reconcile read its page before the sign-up's sync wrote the user.
    const stale = (await reconciling.snapshot([user])).get(user.id)
    await writer().ensure(user, accounts)
    await expect(reconciling.ensure({ ...user, name: 'Renamed' }, accounts, stale)).resolves.toBe(
      'updated',
    )
    const docs = await usersOf('stale')
    expect(docs).toHaveLength(1)
    expect(docs[0]?.name).toBe('Renamed')
    expect(await mirrorRowsOf('stale')).toBe(1)
  })

  it('adoption: a Payload user with the same, verified email is linked, not duplicated', async () => {
    const legacy = await legacyUser('boss@example.com')
    // Imported into Better Auth with another case: the match ignores case.
    insertUser('ba-boss', 'Boss@Example.com', true)
    const ensured = await call(synced.auth, '/reconcile/ensure', {
      method: 'POST',
      body: JSON.stringify({ user: { id: 'ba-boss' } }),
    })
    expect(ensured.status).toBe(200)
    expect(((await ensured.json()) as { applied: boolean }).applied).toBe(true)
    const docs = await usersOf('ba-boss')
    expect(docs.map((doc) => doc.id)).toEqual([legacy.id])
    expect(docs[0]).toMatchObject({ name: 'Name of ba-boss', role: 'editor' })
    expect(docs[0]?.emailPasswordAccount).toBeTruthy()
    const sameEmail = await payload.count({
      collection: 'users',
      where: { email: { equals: 'boss@example.com' } },
      overrideAccess: true,
    })
    expect(sameEmail.totalDocs).toBe(1)
  })

  it('adoption: an unverified email is not linked (reason listed) until Better Auth verifies it', async () => {
    const legacy = await legacyUser('chief@example.com')
    // Anyone may sign up with a staff member's address.
    const { user } = await synced.auth.api.signUpEmail({
      body: { email: 'chief@example.com', password: 'correct-horse-battery', name: 'Mallory' },
    })
    expect(await usersOf(user.id)).toHaveLength(0)
    expect(await mirrorRowsOf(user.id)).toBe(0)
    const untouched = await payload.findByID({
      collection: 'users',
      id: legacy.id,
      overrideAccess: true,
    })
    expect(untouched).toMatchObject({ name: 'Legacy', role: 'editor' })
    expect(untouched.baUserId ?? null).toBeNull()
    expect((await failureOf(user.id))?.reason).toMatch(
      /email belongs to an existing Payload user.*verify it in Better Auth to link/,
    )

    // The owner verifies the address in Better Auth: the sync links the existing row.
    const context = await synced.auth.$context
    await context.internalAdapter.updateUser(user.id, { emailVerified: true })
    await eventually(async () =>
      expect((await usersOf(user.id)).map((doc) => doc.id)).toEqual([legacy.id]),
    )
    expect(await failureOf(user.id)).toBeUndefined()
  })

  it('linkExistingUsers: false refuses to link, and says how to fix it', async () => {
    const legacy = await legacyUser('legacy@example.com')
    const { user, accounts } = insertUser('ba-legacy', 'legacy@example.com', true)
    const strict = createPayloadWriter({
      payload: async () => payload,
      syncSecret: TEST_SYNC_SECRET,
      mapUserToPayload: (u) => ({ email: u.email, name: String(u.name ?? '') }),
      linkExistingUsers: false,
    })
    await expect(strict.ensure(user, accounts)).rejects.toThrow(/linkExistingUsers/)
    expect(await usersOf('ba-legacy')).toHaveLength(0)
    expect(await mirrorRowsOf('ba-legacy')).toBe(0)
    const row = await payload.findByID({ collection: 'users', id: legacy.id, overrideAccess: true })
    expect(row.baUserId ?? null).toBeNull()
  })
})
