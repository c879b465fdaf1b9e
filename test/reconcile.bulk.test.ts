import { DatabaseSync } from 'node:sqlite'
import type { CollectionConfig } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterEach, expect, it } from 'vitest'
import type { SyncFailure } from '../src/better-auth/reconcile.ts'
import { insertBetterAuthUsers } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import {
  countDatabaseWrites,
  countWrites,
  startPayload,
  type TestPayload,
} from './helpers/payload.ts'
import { createSyncedAuth, runFullReconcile } from './helpers/syncedAuth.ts'

// The first full reconcile writes users Payload has nothing of in batches through the database
// adapter (one commit per page of 500). It must store what the Local API path stores, keep the
// Local API path wherever the app's collection computes something on create, and report a user
// Payload refuses by name without losing its page.

const PREFIX = 'better_auth'
const slugs = {
  emailPassword: `${PREFIX}_email_password`,
  magicLink: `${PREFIX}_magic_link`,
  social: `${PREFIX}_social`,
}

/**
 * Better Auth users straight into its database: every user has a password; every third a magic
 * link, every fifth GitHub and every tenth Google too. Ids are `bulk-<n, six digits>`.
 */
const seedUsers = (db: DatabaseSync, count: number, name?: (n: number) => string) =>
  insertBetterAuthUsers(db, count, 'bulk-', {
    ...(name ? { name } : {}),
    moreAccounts: (i, id) => [
      ...(i % 3 === 0 ? [{ id: `ml-${id}`, providerId: 'magic-link', accountId: id }] : []),
      ...(i % 5 === 0 ? [{ id: `gh-${id}`, providerId: 'github', accountId: `gh${i}` }] : []),
      ...(i % 10 === 0 ? [{ id: `go-${id}`, providerId: 'google', accountId: `go${i}` }] : []),
    ],
  })

describeEachDatabase('the first reconcile writes new users in batches', (kind) => {
  let app: TestPayload | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function start(users?: CollectionConfig) {
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    app = await startPayload(kind, {
      collections: users ? [users] : [],
      plugin: { storage, eventBus, collectionPrefix: PREFIX },
    })
    const db = new DatabaseSync(':memory:')
    const { auth } = await createSyncedAuth({
      payload: async () => (app as TestPayload).payload,
      config: app.payload.config,
      storage,
      eventBus,
      database: db,
      collectionPrefix: PREFIX,
    })
    return { payload: app.payload, auth, db }
  }

  /** The Payload user of a Better Auth user, its rows populated. */
  const userOf = async (payload: TestPayload['payload'], baUserId: string) =>
    (
      await payload.find({
        collection: 'users',
        where: { baUserId: { equals: baUserId } },
        overrideAccess: true,
        depth: 1,
      })
    ).docs[0] as Record<string, unknown> | undefined

  const count = async (payload: TestPayload['payload'], collection: string) =>
    (await payload.count({ collection, overrideAccess: true })).totalDocs

  it('stores every user, row and link as the Local API path does, then a second pass writes nothing', async () => {
    const { payload, auth, db } = await start()
    // Through the Local API (the sign-up's inline sync): the shape to match.
    await auth.api.signUpEmail({
      body: { email: 'inline@example.com', password: 'correct-horse-battery', name: 'Inline' },
    })
    const [inline] = (
      await payload.find({
        collection: 'users',
        where: { email: { equals: 'inline@example.com' } },
        overrideAccess: true,
        depth: 0,
      })
    ).docs
    const USERS = 1_100 // three pages: 500, 500, 100
    seedUsers(db, USERS)
    const localApi = countWrites(payload)
    await runFullReconcile(auth)
    // Not one Local API create: every new user went through the batches.
    expect(localApi.create).toBe(0)

    expect(await count(payload, 'users')).toBe(USERS + 1)
    expect(await count(payload, slugs.emailPassword)).toBe(USERS + 1)
    expect(await count(payload, slugs.magicLink)).toBe(Math.ceil(USERS / 3))
    expect(await count(payload, slugs.social)).toBe(USERS / 5 + USERS / 10)

    const bulk = await userOf(payload, 'bulk-000030')
    expect(Object.keys(bulk ?? {}).sort()).toEqual(Object.keys(inline ?? {}).sort())
    expect(bulk).toMatchObject({
      email: 'bulk-000030@example.com',
      name: 'User 30',
      emailPasswordAccount: { baAccountId: 'acc-bulk-000030', baUserId: 'bulk-000030' },
      magicLinkAccount: { baAccountId: 'ml-bulk-000030' },
    })
    expect(
      ((bulk?.socialAccounts ?? []) as Array<{ providerId: string; accountId: string }>)
        .map((row) => `${row.providerId}:${row.accountId}`)
        .sort(),
    ).toEqual(['github:gh30', 'google:go30'])
    // A user without social accounts is one row of its table: a multi-row INSERT writes it.
    const flat = await userOf(payload, 'bulk-000003')
    expect(Object.keys(flat ?? {}).sort()).toEqual(Object.keys(inline ?? {}).sort())
    expect(flat).toMatchObject({
      email: 'bulk-000003@example.com',
      name: 'User 3',
      emailPasswordAccount: { baAccountId: 'acc-bulk-000003', emailVerified: true },
      magicLinkAccount: { baAccountId: 'ml-bulk-000003' },
      socialAccounts: [],
    })
    expect(flat?.updatedAt).toBe(flat?.createdAt)
    expect(typeof bulk?.createdAt).toBe('string')
    expect(bulk?.updatedAt).toBe(bulk?.createdAt)
    // The rows point back at their user (the join field).
    const row = await payload.find({
      collection: slugs.social,
      where: { baAccountId: { equals: 'go-bulk-000030' } },
      overrideAccess: true,
      depth: 0,
    })
    expect((row.docs[0] as { user?: { docs?: unknown[] } }).user?.docs).toHaveLength(1)

    const databaseWrites = countDatabaseWrites(payload)
    await runFullReconcile(auth)
    expect(databaseWrites.count).toBe(0)
  }, 120_000)

  it("keeps the Local API path when the app's collection has a hook on create, and the hook runs for everyone", async () => {
    const { payload, auth, db } = await start({
      slug: 'users',
      hooks: { beforeChange: [({ data }) => ({ ...data, nickname: 'from-hook' })] },
      fields: [
        { name: 'name', type: 'text' },
        { name: 'nickname', type: 'text' },
      ],
    })
    seedUsers(db, 30)
    const localApi = countWrites(payload)
    await runFullReconcile(auth)
    expect(localApi.create).toBeGreaterThanOrEqual(30)
    const { docs } = await payload.find({
      collection: 'users',
      limit: 100,
      overrideAccess: true,
      depth: 0,
    })
    expect(docs).toHaveLength(30)
    expect(docs.every((doc) => (doc as { nickname?: string }).nickname === 'from-hook')).toBe(true)
  }, 60_000)

  it('fills in static defaults as the Local API does', async () => {
    const { payload, auth, db } = await start({
      slug: 'users',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'plan', type: 'select', options: ['free', 'pro'], defaultValue: 'free' },
      ],
    })
    seedUsers(db, 20)
    const localApi = countWrites(payload)
    await runFullReconcile(auth)
    expect(localApi.create).toBe(0)
    const { docs } = await payload.find({
      collection: 'users',
      limit: 100,
      overrideAccess: true,
      depth: 0,
    })
    expect(docs.map((doc) => (doc as { plan?: string }).plan)).toEqual(Array(20).fill('free'))
  }, 60_000)

  it('reports a user Payload refuses by name, writes its page-mates and leaves it no rows', async () => {
    const { payload, auth, db } = await start({
      slug: 'users',
      fields: [{ name: 'name', type: 'text', maxLength: 20 }],
    })
    const USERS = 600
    seedUsers(db, USERS, (i) => (i === 7 ? 'x'.repeat(40) : `User ${i}`))
    const result = await runFullReconcile(auth)
    expect(await count(payload, 'users')).toBe(USERS - 1)
    const failures = result.failures as SyncFailure[]
    expect(failures.map((failure) => failure.userId)).toEqual(['bulk-000007'])
    expect(failures[0]?.reason).toMatch(/name/)
    for (const collection of Object.values(slugs)) {
      const { totalDocs } = await payload.count({
        collection,
        where: { baUserId: { equals: 'bulk-000007' } },
        overrideAccess: true,
      })
      expect(totalDocs, collection).toBe(0)
    }
  }, 60_000)
})
