import { Redis as IORedis } from 'ioredis'
import type { Payload } from 'payload'
import { createMemoryEventBus, createRedisEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, createRedisStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { createDurableQueue } from '../src/better-auth/durableQueue.ts'
import { payloadBetterAuthPlugin } from '../src/index.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { eventually } from './helpers/eventually.ts'
import { browserHeaders, startPayload, syncCreate, type TestPayload } from './helpers/payload.ts'
import { uniquePrefix } from './helpers/redis.ts'
import { cookieOf, createSyncedAuth, RECONCILE_TOKEN } from './helpers/syncedAuth.ts'

// Better Auth with payloadBetterAuthPlugin and a real Payload in one process: every change is in
// Payload before the Better Auth call returns, sessions authenticate Payload, and the reconcile
// endpoints guard themselves.

const usersCollection = {
  slug: 'users',
  fields: [
    { name: 'email', type: 'email' as const, required: true },
    { name: 'name', type: 'text' as const },
  ],
}

/** The mirrored Payload user; throws when there is none. */
async function mustMirror(payload: Payload, baUserId: string) {
  const doc = await mirrored(payload, baUserId)
  if (!doc) throw new Error(`no Payload user mirrors Better Auth user ${baUserId}`)
  return doc
}

async function mirrored(payload: Payload, baUserId: string) {
  const { docs } = await payload.find({
    collection: 'users',
    where: { baUserId: { equals: baUserId } },
    depth: 1,
  })
  return docs[0] as (Record<string, unknown> & { id: number | string }) | undefined
}

describeEachDatabase('payloadBetterAuthPlugin (on Postgres: Redis storage and bus)', (kind) => {
  let app: TestPayload
  let synced: Awaited<ReturnType<typeof createSyncedAuth>>
  // SQLite runs with the in-memory storage and bus; Postgres with Redis for both, when it is up.
  const redisUrl = kind === 'postgres' ? inject('redisUrl') : null
  const clients = redisUrl
    ? [new IORedis(redisUrl), new IORedis(redisUrl), new IORedis(redisUrl)]
    : []
  const [client, publisher, subscriber] = clients
  const prefix = uniquePrefix('ba-plugin')
  const storage = client ? createRedisStorage({ redis: client, prefix }) : createMemoryStorage()
  const eventBus =
    publisher && subscriber
      ? createRedisEventBus({ publisher, subscriber, channelPrefix: prefix })
      : createMemoryEventBus()
  afterAll(async () => {
    if (client) {
      const keys = await client.keys(`${prefix}*`)
      if (keys.length > 0) await client.del(...keys)
    }
    await eventBus.close?.()
    for (const c of clients) c.disconnect()
  })

  beforeAll(async () => {
    app = await startPayload(kind, {
      plugin: { storage, eventBus },
      collections: [usersCollection],
    })
    synced = await createSyncedAuth({
      payload: async () => app.payload,
      config: app.payload.config,
      storage,
      eventBus,
    })
  })
  afterAll(() => app?.close())

  const signUp = (email: string, locale?: string) =>
    synced.auth.api.signUpEmail({
      body: { email, password: 'correct-horse-battery', name: 'Grace' },
      headers: new Headers(locale ? { 'user-locale': locale } : {}),
      returnHeaders: true,
    })

  it('sign-up: the Payload user and its email/password mirror exist when the call returns', async () => {
    const { response, headers } = await signUp('signup@example.com', 'fr-CA')
    const doc = await mustMirror(app.payload, response.user.id)
    expect(doc).toMatchObject({ email: 'signup@example.com', name: 'Grace' })
    expect((doc.emailPasswordAccount as { baUserId: string; email: string }).email).toBe(
      'signup@example.com',
    )
    const session = await synced.auth.api.getSession({
      headers: new Headers({ cookie: cookieOf(headers) }),
    })
    expect((session?.user as { locale?: string } | undefined)?.locale).toBe('fr-CA')
  })

  it('sign-in: the cookie authenticates Payload; sign-out, revoke and ban end it', async () => {
    const { response } = await signUp('session@example.com')
    const signIn = async () =>
      cookieOf(
        (
          await synced.auth.api.signInEmail({
            body: { email: 'session@example.com', password: 'correct-horse-battery' },
            returnHeaders: true,
          })
        ).headers,
      )
    const payloadUser = async (cookie: string) =>
      (await app.payload.auth({ headers: browserHeaders({ cookie }) })).user

    const first = await signIn()
    expect((await payloadUser(first))?.email).toBe('session@example.com')
    await synced.auth.api.signOut({ headers: new Headers({ cookie: first }) })
    expect(await payloadUser(first)).toBeNull()

    const second = await signIn()
    await synced.auth.api.revokeSessions({ headers: new Headers({ cookie: second }) })
    expect(await payloadUser(second)).toBeNull()

    const third = await signIn()
    const { headers: adminHeaders } = await signUp('admin@example.com')
    const adminCookie = cookieOf(adminHeaders)
    const adminId = (
      await synced.auth.api.getSession({ headers: new Headers({ cookie: adminCookie }) })
    )?.user.id as string
    const ctx = await synced.auth.$context
    await ctx.internalAdapter.updateUser(adminId, { role: 'admin' })
    await synced.auth.api.banUser({
      body: { userId: response.user.id },
      headers: new Headers({ cookie: adminCookie }),
    })
    expect(await payloadUser(third)).toBeNull()
  })

  it('update: a new name and email are in Payload when updateUser returns', async () => {
    const { response, headers } = await signUp('before@example.com')
    await synced.auth.api.updateUser({
      body: { name: 'Renamed' },
      headers: new Headers({ cookie: cookieOf(headers) }),
    })
    expect(await mirrored(app.payload, response.user.id)).toMatchObject({ name: 'Renamed' })
    const ctx = await synced.auth.$context
    await ctx.internalAdapter.updateUser(response.user.id, { email: 'after@example.com' })
    const doc = await mustMirror(app.payload, response.user.id)
    expect(doc).toMatchObject({ email: 'after@example.com' })
    expect((doc.emailPasswordAccount as { email: string }).email).toBe('after@example.com')
  })

  it('magic link: sign-in through the link adds the magic-link mirror', async () => {
    await synced.auth.api.signInMagicLink({
      body: { email: 'magic@example.com' },
      headers: new Headers(),
    })
    const url = new URL(synced.magicLinks.at(-1) as string)
    const token = url.searchParams.get('token') as string
    await synced.auth.api.magicLinkVerify({ query: { token }, headers: new Headers() })
    const user = (
      await app.payload.find({
        collection: 'users',
        where: { email: { equals: 'magic@example.com' } },
        depth: 1,
      })
    ).docs[0]
    expect((user?.magicLinkAccount as { email: string } | undefined)?.email).toBe(
      'magic@example.com',
    )
  })

  it('delete: the Payload user and its mirror rows are gone when the call returns', async () => {
    const { response } = await signUp('gone@example.com')
    const ctx = await synced.auth.$context
    await ctx.internalAdapter.deleteUser(response.user.id)
    expect(await mirrored(app.payload, response.user.id)).toBeUndefined()
    const rows = await app.payload.find({
      collection: '__better_auth_email_password',
      where: { baUserId: { equals: response.user.id } },
    })
    expect(rows.totalDocs).toBe(0)
  })

  describe('reconcile endpoints', () => {
    const call = (path: string, init: RequestInit = {}) =>
      synced.auth.handler(new Request(`http://localhost:3000/api/auth${path}`, init))
    const json = { 'content-type': 'application/json' }
    /** A POST with the right token and a raw body. */
    const post = (path: string, body?: string) =>
      call(path, {
        method: 'POST',
        headers: { ...json, 'x-reconcile-token': RECONCILE_TOKEN },
        body,
      })

    it('refuse a wrong, missing or empty token with a clear 401', async () => {
      const attempts: Record<string, string>[] = [
        { 'x-reconcile-token': 'wrong' },
        {},
        { 'x-reconcile-token': '' },
      ]
      for (const headers of attempts) {
        const response = await call('/reconcile/status', { headers })
        expect(response.status).toBe(401)
        expect(await response.text()).toMatch(/x-reconcile-token/)
      }
    })

    it('report status with the right token', async () => {
      const response = await call('/reconcile/status', {
        headers: { 'x-reconcile-token': RECONCILE_TOKEN },
      })
      expect(response.status).toBe(200)
      const body = (await response.json()) as Record<string, unknown>
      for (const field of [
        'queueSize',
        'userOperationTasks',
        'fullReconcileTasks',
        'processing',
        'processed',
        'failed',
        'lastError',
        'lastSeedAt',
        'deadLetters',
      ]) {
        expect(body).toHaveProperty(field)
      }
    })

    it('answer 400 to malformed JSON and bodies, 404 to an unknown user', async () => {
      expect((await post('/reconcile/ensure', '{"user": ')).status).toBe(400)
      expect((await post('/reconcile/ensure', '{"user": {}}')).status).toBe(400)
      expect((await post('/reconcile/delete', '{"baId": 5}')).status).toBe(400)
      const unknown = await post('/reconcile/ensure', '{"user": {"id": "nobody"}}')
      expect(unknown.status).toBe(404)
      expect(await unknown.text()).toMatch(/nobody/)
    })

    it('ensure and delete by hand, and a full run', async () => {
      const { response } = await signUp('manual@example.com')
      await app.payload.delete({
        collection: 'users',
        where: { baUserId: { equals: response.user.id } },
      })
      const ensure = await post(
        '/reconcile/ensure',
        JSON.stringify({ user: { id: response.user.id } }),
      )
      expect(ensure.status).toBe(200)
      expect(await mirrored(app.payload, response.user.id)).toBeDefined()
      const remove = await post('/reconcile/delete', JSON.stringify({ baId: response.user.id }))
      expect(remove.status).toBe(200)
      expect(await mirrored(app.payload, response.user.id)).toBeUndefined()
      const run = await post('/reconcile/run')
      expect(run.status).toBe(200)
      await eventually(async () =>
        expect(await mirrored(app.payload, response.user.id)).toBeDefined(),
      )
    })

    it('list dead letters and retry one: the user reaches Payload', async () => {
      const { response } = await signUp('dead-letter@example.com')
      const group = `user:${response.user.id}`
      await app.payload.delete({
        collection: 'users',
        where: { baUserId: { equals: response.user.id } },
      })
      // The plugin's queue, as a worker that found Payload down on its one attempt left it.
      const down = createDurableQueue({
        storage,
        maxAttempts: 1,
        run: async () => {
          throw new Error('Payload is down')
        },
      })
      await down.enqueue({ op: 'ensure', userId: response.user.id }, { runNow: true })

      // Both behind the token: listing shows user ids, retrying writes into Payload.
      expect((await call('/reconcile/dead-letters')).status).toBe(401)
      const anonymousRetry = await call('/reconcile/retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-reconcile-token': 'wrong' },
        body: JSON.stringify({ group }),
      })
      expect(anonymousRetry.status).toBe(401)
      const listed = await call('/reconcile/dead-letters?limit=1000', {
        headers: { 'x-reconcile-token': RECONCILE_TOKEN },
      })
      expect(listed.status).toBe(200)
      const { total, deadLetters } = (await listed.json()) as {
        total: number
        deadLetters: Array<{ group: string; lastError: string; attempts: number }>
      }
      expect(total).toBeGreaterThanOrEqual(1)
      expect(deadLetters.find((letter) => letter.group === group)).toMatchObject({
        lastError: 'Payload is down',
        attempts: 1,
      })

      expect((await post('/reconcile/retry', '{"group": 5}')).status).toBe(400)
      const unknown = await post('/reconcile/retry', '{"group": "user:nobody"}')
      expect(unknown.status).toBe(404)
      expect(await unknown.text()).toMatch(/dead-letters/)
      const retried = await post('/reconcile/retry', JSON.stringify({ group }))
      expect(retried.status).toBe(200)
      expect(await retried.json()).toEqual({ queued: [group] })
      await eventually(async () =>
        expect(await mirrored(app.payload, response.user.id)).toBeDefined(),
      )
      const after = (await (
        await call('/reconcile/dead-letters', { headers: { 'x-reconcile-token': RECONCILE_TOKEN } })
      ).json()) as { deadLetters: Array<{ group: string }> }
      expect(after.deadLetters.some((letter) => letter.group === group)).toBe(false)
      // No body at all (as `curl -X POST` sends it): every dead letter left, this one no more.
      const all = await call('/reconcile/retry', {
        method: 'POST',
        headers: { 'x-reconcile-token': RECONCILE_TOKEN },
      })
      expect(all.status).toBe(200)
      expect(((await all.json()) as { queued: string[] }).queued).not.toContain(group)
    })

    it('methods and warmup are public', async () => {
      const methods = (await (await call('/methods')).json()) as Array<{ method: string }>
      expect(methods.map((m) => m.method)).toEqual(['emailAndPassword', 'magicLink', 'admin'])
      const warmup = (await (await call('/warmup')).json()) as Record<string, unknown>
      expect(warmup).toMatchObject({
        initialized: true,
        pluginId: 'reconcile-queue-plugin',
        authMethods: ['emailAndPassword', 'magicLink', 'admin'],
      })
    })
  })
})

describe('reconcile endpoints without a token', () => {
  it('answer that they are disabled (fail closed)', async () => {
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const app = await startPayload('sqlite', {
      plugin: { storage, eventBus },
      collections: [usersCollection],
    })
    try {
      for (const token of ['', undefined]) {
        const { auth } = await createSyncedAuth({
          payload: async () => app.payload,
          config: app.payload.config,
          storage,
          eventBus,
          token,
        })
        const response = await auth.handler(
          new Request('http://localhost:3000/api/auth/reconcile/status', {
            headers: { 'x-reconcile-token': '' },
          }),
        )
        expect(response.status).toBe(403)
        expect(await response.text()).toMatch(/disabled/)
      }
    } finally {
      await app.close()
    }
  })
})

describe('Payload unreachable', () => {
  it('50 sign-ups while Payload is down all arrive once it is back', async () => {
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const app = await startPayload('sqlite', {
      plugin: { storage, eventBus },
      collections: [usersCollection],
    })
    let up = false
    vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { auth } = await createSyncedAuth({
        payload: async () => {
          if (!up) throw new Error('connect ECONNREFUSED (Payload is down)')
          return app.payload
        },
        config: app.payload.config,
        storage,
        eventBus,
      })
      for (let i = 0; i < 50; i++) {
        await auth.api.signUpEmail({
          body: { email: `down-${i}@example.com`, password: 'correct-horse-battery', name: 'D' },
        })
      }
      expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(0)
      up = true
      await eventually(
        async () => expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(50),
        { timeoutMs: 20_000 },
      )
    } finally {
      vi.restoreAllMocks()
      await app.close()
    }
  })
})

describe("usersSlug: 'members' on both sides", () => {
  it('mirrors into members, reconciles members, and the session authenticates a member', async () => {
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const app = await startPayload('sqlite', {
      plugin: { storage, eventBus, usersSlug: 'members' },
    })
    try {
      const { auth } = await createSyncedAuth({
        payload: async () => app.payload,
        config: app.payload.config,
        storage,
        eventBus,
        usersSlug: 'members',
      })
      const { headers, response } = await auth.api.signUpEmail({
        body: { email: 'member@example.com', password: 'correct-horse-battery', name: 'M' },
        returnHeaders: true,
      })
      const { docs } = await app.payload.find({
        collection: 'members',
        where: { baUserId: { equals: response.user.id } },
      })
      expect(docs).toHaveLength(1)
      const { user } = await app.payload.auth({
        headers: browserHeaders({ cookie: cookieOf(headers) }),
      })
      expect(user).toMatchObject({ collection: 'members', email: 'member@example.com' })
      // A full reconcile pages through members too: a member whose Better Auth user is gone goes.
      await syncCreate(app.payload, 'members', {
        email: 'orphan@example.com',
        baUserId: 'no-such-user',
      })
      const run = await auth.handler(
        new Request('http://localhost:3000/api/auth/reconcile/run', {
          method: 'POST',
          headers: { 'x-reconcile-token': RECONCILE_TOKEN },
        }),
      )
      expect(run.status).toBe(200)
      await eventually(async () => {
        const emails = (await app.payload.find({ collection: 'members' })).docs.map((d) => d.email)
        expect(emails).toEqual(['member@example.com'])
      })
    } finally {
      await app.close()
    }
  })
})

describe('production guard (Better Auth side)', () => {
  const make = (
    token: string | undefined,
    syncSecret = 'k7JtQ2v9X1mZp4Lr8Ws0Yb3Nc6Hd5Fg2Ae-sync',
  ) =>
    payloadBetterAuthPlugin({
      payloadConfig: new Promise(() => {}),
      token,
      storage: createMemoryStorage(),
      eventBus: createMemoryEventBus(),
      syncSecret,
      mapUserToPayload: (user) => ({ email: user.email }),
    })

  it('refuses example, short or missing secrets in production, and allows no token (endpoints off)', () => {
    vi.stubEnv('NODE_ENV', 'production')
    try {
      expect(() => make('reconcile-api-token')).toThrow(/RECONCILE_TOKEN is an example value/)
      expect(() => make('short-token')).toThrow(/RECONCILE_TOKEN is shorter than 32/)
      expect(() => make(undefined, 'your-sync-secret')).toThrow(
        /BA_TO_PAYLOAD_SECRET is an example value/,
      )
      vi.stubEnv('BA_TO_PAYLOAD_SECRET', '')
      expect(() =>
        payloadBetterAuthPlugin({
          payloadConfig: new Promise(() => {}),
          token: undefined,
          storage: createMemoryStorage(),
          eventBus: createMemoryEventBus(),
          mapUserToPayload: (user) => ({ email: user.email }),
        }),
      ).toThrow(/BA_TO_PAYLOAD_SECRET is not set/)
      expect(() => make(undefined)).not.toThrow()
      expect(() => make('k7JtQ2v9X1mZp4Lr8Ws0Yb3Nc6Hd5Fg2Ae-token')).not.toThrow()
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
