import { randomUUID } from 'node:crypto'
import type { BetterAuthOptions, Where } from 'better-auth'
import { twoFactor } from 'better-auth/plugins'
import { buildConfig, type CollectionConfig, getPayload, type Payload } from 'payload'
import { buildBetterAuthCollections, payloadAdapter } from 'payload-better-auth/adapter'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
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

// Rule 8: a clause no row can satisfy (a value the field cannot hold, `in: []`) is answered
// without a query. Payload would otherwise get no condition for it, and read the whole table.
const serialOptions = {
  rateLimit: { enabled: true, storage: 'database' },
  advanced: { database: { generateId: 'serial' } },
} satisfies BetterAuthOptions

describeEachDatabase('payloadAdapter: values no row can hold', (kind) => {
  let payload: Payload
  let adapter: ReturnType<ReturnType<typeof payloadAdapter>>
  let close: () => Promise<void>
  let user: { id: string; email: string }

  beforeAll(async () => {
    const database = await freshDatabase(kind)
    payload = await getPayload({
      config: buildConfig({
        secret: 'payload-adapter-test-secret-0123456789',
        db: database.adapter,
        typescript: { autoGenerate: false },
        telemetry: false,
        collections: buildBetterAuthCollections({ betterAuthOptions: serialOptions }),
      }),
      key: randomUUID(),
    })
    adapter = payloadAdapter({ payload })(serialOptions)
    close = async () => {
      await closePayload(payload)
      await database.drop()
    }
    for (const name of ['Ada', 'Grace', 'Edsger']) {
      await adapter.create({
        model: 'user',
        data: { name, email: `${name.toLowerCase()}-${randomUUID()}@example.com` },
      })
    }
    user = (await adapter.findOne<{ id: string; email: string }>({
      model: 'user',
      where: [{ field: 'name', value: 'Ada' }],
    })) as { id: string; email: string }
    await adapter.create({
      model: 'rateLimit',
      data: { key: 'k', count: 0, lastRequest: Date.now() },
    })
  }, 60_000)
  afterAll(() => close?.())

  /** Counts the queries and writes `payloadAdapter` makes through the Local API. */
  function spyQueries() {
    const calls = { find: 0, count: 0, update: 0, delete: 0 }
    for (const name of ['find', 'count', 'update', 'delete', 'findByID'] as const) {
      const key = name === 'findByID' ? 'find' : name
      const original = payload[name].bind(payload) as (...args: unknown[]) => unknown
      vi.spyOn(payload, name).mockImplementation(((...args: unknown[]) => {
        calls[key]++
        return original(...args)
      }) as never)
    }
    return calls
  }
  afterEach(() => vi.restoreAllMocks())

  const none = { find: 0, count: 0, update: 0, delete: 0 }
  const impossible: Array<[string, Where[]]> = [
    ["'abc' for a serial id", [{ field: 'id', value: 'abc', operator: 'eq', connector: 'AND' }]],
    ['in: []', [{ field: 'id', value: [], operator: 'in', connector: 'AND' }]],
    ["in: ['abc']", [{ field: 'id', value: ['abc', 'x'], operator: 'in', connector: 'AND' }]],
    [
      "'abc' AND a real email",
      [
        { field: 'email', value: 'ada@example.com', operator: 'eq', connector: 'AND' },
        { field: 'id', value: 'abc', operator: 'eq', connector: 'AND' },
      ],
    ],
    [
      'every OR branch impossible',
      [
        { field: 'id', value: 'abc', operator: 'eq', connector: 'OR' },
        { field: 'id', value: [], operator: 'in', connector: 'OR' },
      ],
    ],
    [
      'a date that is none',
      [{ field: 'createdAt', value: 'soon', operator: 'eq', connector: 'AND' }],
    ],
    ['a bound that is no id', [{ field: 'id', value: 'abc', operator: 'gt', connector: 'AND' }]],
  ]

  it.each(impossible)(
    '%s: reads, counts, updates and deletes nothing, without a query',
    async (_, where) => {
      const before = await adapter.count({ model: 'user' })
      const calls = spyQueries()
      expect(await adapter.findOne({ model: 'user', where })).toBeNull()
      expect(await adapter.findMany({ model: 'user', where })).toEqual([])
      expect(await adapter.count({ model: 'user', where })).toBe(0)
      expect(await adapter.update({ model: 'user', where, update: { name: 'Mallory' } })).toBeNull()
      expect(await adapter.updateMany({ model: 'user', where, update: { name: 'Mallory' } })).toBe(
        0,
      )
      await adapter.delete({ model: 'user', where })
      expect(await adapter.deleteMany({ model: 'user', where })).toBe(0)
      expect(await adapter.consumeOne({ model: 'user', where })).toBeNull()
      expect(calls).toEqual(none)
      vi.restoreAllMocks()
      expect(await adapter.count({ model: 'user' })).toBe(before)
      expect(
        await adapter.count({ model: 'user', where: [{ field: 'name', value: 'Mallory' }] }),
      ).toBe(0)
    },
  )

  it('a number field given a value no number is: nothing matched, counted or incremented', async () => {
    const calls = spyQueries()
    for (const operator of ['eq', 'gt', 'lte'] as const) {
      const where: Where[] = [{ field: 'count', value: 'abc', operator, connector: 'AND' }]
      expect(await adapter.count({ model: 'rateLimit', where })).toBe(0)
      expect(await adapter.findMany({ model: 'rateLimit', where })).toEqual([])
      expect(
        await adapter.incrementOne({ model: 'rateLimit', where, increment: { count: 1 } }),
      ).toBeNull()
    }
    expect(calls).toEqual(none)
  })

  it('inside OR, only the impossible branch goes; the query still narrows to the others', async () => {
    const calls = spyQueries()
    const where: Where[] = [
      { field: 'id', value: 'abc', operator: 'eq', connector: 'OR' },
      { field: 'email', value: user.email, operator: 'eq', connector: 'OR' },
    ]
    const found = await adapter.findMany<{ id: string }>({ model: 'user', where })
    expect(found.map((row) => row.id)).toEqual([user.id])
    expect(calls.find).toBe(1)
    const query = vi.mocked(payload.find).mock.calls[0]?.[0]
    expect(query?.where).toEqual({ and: [{ or: [{ email: { equals: user.email } }] }] })
    // `in` keeps the ids that can exist.
    const listed = await adapter.findMany<{ id: string }>({
      model: 'user',
      where: [{ field: 'id', value: ['abc', String(user.id)], operator: 'in', connector: 'AND' }],
    })
    expect(listed.map((row) => row.id)).toEqual([user.id])
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

  it("defaults the rules the app did not write on its users collection; the app's own win", () => {
    type Rule = (args: { req: { user: Record<string, unknown> | null } }) => unknown
    const rulesOf = (collections: CollectionConfig[]) =>
      collections.find((collection) => collection.slug === 'users')?.access as Record<string, Rule>
    const asUser = (user: Record<string, unknown> | null) => ({ req: { user } })
    const defaults = rulesOf(onUsers())
    expect(defaults.read?.(asUser({ id: 7 }))).toEqual({ id: { equals: 7 } })
    expect(defaults.update?.(asUser({ id: 7 }))).toEqual({ id: { equals: 7 } })
    expect(defaults.read?.(asUser(null))).toBe(false)
    expect(defaults.create?.(asUser({ id: 7, role: 'admin' }))).toBe(false)
    expect(defaults.delete?.(asUser({ id: 7, role: 'admin' }))).toBe(false)
    expect(defaults.admin?.(asUser({ id: 7, role: 'user' }))).toBe(false)
    expect(defaults.admin?.(asUser({ id: 7, role: 'user, admin' }))).toBe(true)

    const own: CollectionConfig = { ...users, access: { read: () => true, admin: () => true } }
    const staff = rulesOf(
      buildBetterAuthCollections(
        {
          betterAuthOptions: {
            user: { modelName: 'users' },
            advanced: { database: { generateId: 'serial' } },
          },
          adminRoles: ['staff'],
        },
        [users],
      ),
    )
    expect(staff.admin?.(asUser({ id: 7, role: 'admin' }))).toBe(false)
    expect(staff.admin?.(asUser({ id: 7, role: 'staff' }))).toBe(true)
    const kept = rulesOf(
      buildBetterAuthCollections(
        {
          betterAuthOptions: {
            user: { modelName: 'users' },
            advanced: { database: { generateId: 'serial' } },
          },
        },
        [own],
      ),
    )
    expect(kept.read?.(asUser(null))).toBe(true)
    expect(kept.admin?.(asUser(null))).toBe(true)
    expect(kept.update?.(asUser({ id: 7 }))).toEqual({ id: { equals: 7 } })
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
