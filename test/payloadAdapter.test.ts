import { randomUUID } from 'node:crypto'
import type { BetterAuthOptions } from 'better-auth'
import { twoFactor } from 'better-auth/plugins'
import { buildConfig, type CollectionConfig, getPayload } from 'payload'
import { buildBetterAuthCollections, payloadAdapter } from 'payload-better-auth/adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDatabase, freshDatabase, type TestDatabase } from './helpers/databases.ts'
import { closePayload } from './helpers/payload.ts'

// What Better Auth's suite does not try: races on the atomic operations, and the generator's
// handling of an app's own users collection.

const options = {
  rateLimit: { enabled: true, storage: 'database' },
  advanced: { database: { generateId: 'uuid' } },
} satisfies BetterAuthOptions

async function start(kind: TestDatabase['name']) {
  const database = await freshDatabase(kind)
  const config = buildConfig({
    secret: 'payload-adapter-test-secret-0123456789',
    db: database.adapter,
    typescript: { autoGenerate: false },
    telemetry: false,
    collections: buildBetterAuthCollections({ betterAuthOptions: options }),
  })
  const payload = await getPayload({ config, key: randomUUID() })
  const adapter = payloadAdapter({ payload })(options)
  return {
    payload,
    adapter,
    async close() {
      await closePayload(payload)
      await database.drop()
    },
  }
}

describeEachDatabase('payloadAdapter atomic operations', (kind) => {
  let app: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    app = await start(kind)
  }, 60_000)
  afterAll(() => app?.close())

  it('consumeOne hands a row to exactly one of many concurrent callers', async () => {
    const identifier = `magic-link:${randomUUID()}`
    await app.adapter.create({
      model: 'verification',
      data: { identifier, value: 'token', expiresAt: new Date(Date.now() + 60_000) },
    })
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        app.adapter.consumeOne<{ identifier: string }>({
          model: 'verification',
          where: [{ field: 'identifier', value: identifier }],
        }),
      ),
    )
    const winners = results.filter((row) => row !== null)
    expect(winners).toHaveLength(1)
    expect(winners[0]?.identifier).toBe(identifier)
    expect(
      await app.adapter.count({
        model: 'verification',
        where: [{ field: 'identifier', value: identifier }],
      }),
    ).toBe(0)
  })

  it('consumeOne does not take a row that stopped matching', async () => {
    const identifier = `otp:${randomUUID()}`
    await app.adapter.create({
      model: 'verification',
      data: { identifier, value: 'a', expiresAt: new Date(Date.now() + 60_000) },
    })
    const consumed = await app.adapter.consumeOne({
      model: 'verification',
      where: [
        { field: 'identifier', value: identifier },
        { field: 'value', value: 'b' },
      ],
    })
    expect(consumed).toBeNull()
    expect(
      await app.adapter.count({
        model: 'verification',
        where: [{ field: 'identifier', value: identifier }],
      }),
    ).toBe(1)
  })

  it('incrementOne loses no increment under concurrency', async () => {
    const key = `127.0.0.1|/sign-in/${randomUUID()}`
    await app.adapter.create({
      model: 'rateLimit',
      data: { key, count: 0, lastRequest: Date.now() },
    })
    const calls = 10
    const results = await Promise.allSettled(
      Array.from({ length: calls }, () =>
        app.adapter.incrementOne({
          model: 'rateLimit',
          where: [{ field: 'key', value: key }],
          increment: { count: 1 },
        }),
      ),
    )
    const succeeded = results.filter((result) => result.status === 'fulfilled').length
    const row = await app.adapter.findOne<{ count: number }>({
      model: 'rateLimit',
      where: [{ field: 'key', value: key }],
    })
    // Each call that reported success counted once; none was overwritten by a racing one.
    expect(succeeded).toBeGreaterThan(0)
    expect(row?.count).toBe(succeeded)
    for (const result of results) {
      if (result.status === 'rejected') expect(String(result.reason)).toMatch(/retry/)
    }
  })

  it('incrementOne returns null when the guard misses', async () => {
    const key = `guard-${randomUUID()}`
    await app.adapter.create({ model: 'rateLimit', data: { key, count: 5, lastRequest: 1 } })
    const missed = await app.adapter.incrementOne({
      model: 'rateLimit',
      where: [
        { field: 'key', value: key },
        { field: 'count', value: 4 },
      ],
      increment: { count: 1 },
    })
    expect(missed).toBeNull()
    const hit = await app.adapter.incrementOne<{ count: number }>({
      model: 'rateLimit',
      where: [
        { field: 'key', value: key },
        { field: 'count', value: 5 },
      ],
      increment: { count: 1 },
      set: { lastRequest: 2 },
    })
    expect(hit).toMatchObject({ count: 6, lastRequest: 2 })
  })
})

describe('buildBetterAuthCollections', () => {
  const users: CollectionConfig = {
    slug: 'users',
    auth: true,
    fields: [{ name: 'role', type: 'text' }],
  }
  const onUsers = (extra: BetterAuthOptions = {}) =>
    buildBetterAuthCollections(
      {
        betterAuthOptions: {
          user: { modelName: 'users' },
          advanced: { database: { generateId: 'serial' } },
          ...extra,
        },
      },
      [users],
    )

  it("adds Better Auth's fields to the app's users collection and hands sign-in to Better Auth", () => {
    const collections = onUsers({ plugins: [twoFactor()] })
    const merged = collections.find((collection) => collection.slug === 'users')
    const names = merged?.fields.map((field) => ('name' in field ? field.name : ''))
    // Payload's own email and timestamps are reused, the app's fields kept.
    expect(names).toEqual(['role', 'name', 'emailVerified', 'image', 'twoFactorEnabled'])
    expect(merged?.auth).toMatchObject({
      disableLocalStrategy: { enableFields: true, optionalPassword: true },
    })
  })

  it('makes references relationships and every other model a closed, hidden collection', () => {
    const collections = onUsers()
    const session = collections.find((collection) => collection.slug === 'session')
    expect(session?.admin?.hidden).toBe(true)
    expect(session?.fields).toContainEqual(
      expect.objectContaining({ name: 'userId', type: 'relationship', relationTo: 'users' }),
    )
    expect(session?.fields).toContainEqual(
      expect.objectContaining({ name: 'token', type: 'text', unique: true }),
    )
    const access = session?.access ?? {}
    for (const rule of ['read', 'create', 'update', 'delete'] as const) {
      const allow = access[rule] as (() => boolean) | undefined
      expect(allow?.()).toBe(false)
    }
  })

  it('honours renamed models and fields, and text ids', () => {
    const collections = buildBetterAuthCollections({
      betterAuthOptions: {
        session: { modelName: 'authSessions', fields: { userId: 'owner' } },
      },
    })
    const session = collections.find((collection) => collection.slug === 'authSessions')
    expect(session?.fields).toContainEqual(expect.objectContaining({ name: 'id', type: 'text' }))
    expect(session?.fields).toContainEqual(
      expect.objectContaining({ name: 'owner', type: 'relationship', relationTo: 'user' }),
    )
  })

  it('refuses ids Payload and Better Auth would disagree on, saying what to change', () => {
    expect(() =>
      buildBetterAuthCollections({ betterAuthOptions: { user: { modelName: 'users' } } }, [users]),
    ).toThrow(/generateId: 'serial'/)
    const withTextId = { ...users, fields: [{ name: 'id', type: 'text' as const }] }
    expect(() =>
      buildBetterAuthCollections(
        {
          betterAuthOptions: {
            user: { modelName: 'users' },
            advanced: { database: { generateId: 'serial' } },
          },
        },
        [withTextId],
      ),
    ).toThrow(/text id field/)
  })

  it('refuses a session strategy when the user model is not an auth collection', () => {
    expect(() =>
      buildBetterAuthCollections({
        betterAuthOptions: {},
        session: {
          storage: { get: async () => null, set: async () => {}, delete: async () => {} } as never,
          betterAuthSecret: 'x'.repeat(32),
        },
      }),
    ).toThrow(/modelName/)
  })
})
