import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildConfig } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { betterAuthPayloadPlugin } from '../src/index.ts'
import { timestampKey } from '../src/shared/keys.ts'
import {
  createTestAuth,
  signUp,
  TEST_BETTER_AUTH_SECRET,
  TEST_SYNC_SECRET,
} from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { eventually } from './helpers/eventually.ts'
import { browserHeaders, startPayload, syncCreate, withPayload } from './helpers/payload.ts'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

/** A Payload config with the plugin and no database: enough to check what the plugin configures. */
const configWithPlugin = (options: Partial<Parameters<typeof betterAuthPayloadPlugin>[0]>) =>
  buildConfig({
    secret: 'x'.repeat(32),
    db: { defaultIDType: 'number' } as never,
    typescript: { autoGenerate: false },
    plugins: [
      betterAuthPayloadPlugin({
        betterAuthClientOptions: { externalBaseURL: 'https://x', internalBaseURL: 'https://x' },
        storage: createMemoryStorage(),
        eventBus: createMemoryEventBus(),
        ...options,
      }),
    ],
  })

describeEachDatabase('users collection', (kind) => {
  it("keeps the app's own fields, hooks and access rules, OR'd with the sync's", async () => {
    const seen: string[] = []
    const storage = createMemoryStorage()
    await withPayload(
      kind,
      {
        plugin: { storage, eventBus: createMemoryEventBus() },
        collections: [
          {
            slug: 'users',
            fields: [
              { name: 'email', type: 'email', required: true },
              { name: 'nickname', type: 'text', defaultValue: 'newcomer' },
            ],
            access: { read: ({ req }) => Boolean(req.user), create: () => false },
            hooks: {
              beforeChange: [
                ({ data }) => {
                  seen.push(String(data.email))
                  return data
                },
              ],
            },
          },
        ],
      },
      async (app) => {
        // create: the app says nobody, the sync still may.
        const user = await syncCreate(app.payload, 'users', {
          email: 'kept@example.com',
          baUserId: 'ba-kept',
        })
        expect(user.nickname).toBe('newcomer')
        expect(seen).toEqual(['kept@example.com'])
        const anonymousCreate = await app.rest('/users', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'anon@example.com' }),
        })
        expect(anonymousCreate.status).toBe(403)

        // read: signed-in users only, as the app wrote it.
        expect((await app.rest('/users')).status).toBe(403)
        const auth = await createTestAuth(storage)
        const session = await signUp(auth, 'reader@example.com')
        await syncCreate(app.payload, 'users', { email: session.email, baUserId: session.userId })
        const signedIn = await app.rest('/users', { headers: { cookie: session.cookie } })
        expect(signedIn.status).toBe(200)
        expect(((await signedIn.json()) as { totalDocs: number }).totalDocs).toBe(2)
      },
    )
  })

  it('creates mirrored users without a password hash', async () => {
    await withPayload(
      kind,
      {
        plugin: { storage: createMemoryStorage(), eventBus: createMemoryEventBus() },
      },
      async (app) => {
        const user = await syncCreate(app.payload, 'users', {
          email: 'nohash@example.com',
          baUserId: 'ba-nohash',
        })
        const stored = await app.payload.findByID({
          collection: 'users',
          id: user.id,
          showHiddenFields: true,
        })
        expect(stored.hash ?? null).toBeNull()
        expect(stored.salt ?? null).toBeNull()
      },
    )
  })

  it("works with usersSlug: 'members' (created when the app has none)", async () => {
    const storage = createMemoryStorage()
    await withPayload(
      kind,
      {
        plugin: { storage, eventBus: createMemoryEventBus(), usersSlug: 'members' },
      },
      async (app) => {
        expect(app.payload.collections.users).toBeUndefined()
        const auth = await createTestAuth(storage)
        const session = await signUp(auth, 'member@example.com')
        const row = await syncCreate(app.payload, '__better_auth_email_password', {
          baAccountId: 'acc-member',
          baUserId: session.userId,
          email: session.email,
        })
        await syncCreate(app.payload, 'members', {
          email: session.email,
          baUserId: session.userId,
          emailPasswordAccount: row.id,
        })
        const { user } = await app.payload.auth({
          headers: browserHeaders({ cookie: session.cookie }),
        })
        expect(user).toMatchObject({
          email: session.email,
          collection: 'members',
          _strategy: 'better-auth',
        })
        const me = await app.rest('/members/me', { headers: { cookie: session.cookie } })
        expect(((await me.json()) as { user: { email: string } }).user.email).toBe(session.email)
        const mirror = await app.payload.findByID({
          collection: '__better_auth_email_password',
          id: row.id,
        })
        expect((mirror.user as { docs: unknown[] }).docs).toHaveLength(1)
        const bulk = await app.payload.update({
          collection: 'members',
          where: {},
          data: { baUserId: 'stolen' },
        })
        expect(bulk.docs).toEqual([])
        expect(bulk.errors.map((error) => error.message).join()).toMatch(/refused/)
      },
    )
  })
})

describe('mirror collections in the admin', () => {
  const slugs = ['__better_auth_email_password', '__better_auth_magic_link', '__better_auth_social']
  const configure = (debug: boolean, extra = {}) =>
    configWithPlugin({
      betterAuthSecret: TEST_BETTER_AUTH_SECRET,
      syncSecret: TEST_SYNC_SECRET,
      debug,
      ...extra,
    })

  it('are hidden unless debug, and then grouped under "Better Auth (DEBUG)"', async () => {
    for (const debug of [false, true]) {
      const config = await configure(debug)
      for (const slug of slugs) {
        const collection = config.collections.find((c) => c.slug === slug)
        expect(collection?.admin.hidden).toBe(!debug)
        expect(collection?.admin.group).toBe('Better Auth (DEBUG)')
      }
    }
  })

  it('use the collectionPrefix', async () => {
    const config = await configure(false, { collectionPrefix: 'ba' })
    expect(config.collections.map((c) => c.slug)).toEqual(
      expect.arrayContaining(['ba_email_password', 'ba_magic_link', 'ba_social']),
    )
  })
})

describeEachDatabase('baCollectionsAccess and debug', (kind) => {
  it('read/delete: nobody by default, signed-in users in debug, or exactly the custom rule', async () => {
    const storage = createMemoryStorage()
    const auth = await createTestAuth(storage)
    const cases = [
      { name: 'default', options: {}, canRead: false, canDelete: false },
      { name: 'debug', options: { debug: true }, canRead: true, canDelete: false },
      {
        name: 'custom',
        options: {
          debug: true,
          baCollectionsAccess: {
            read: ({ req }: { req: { user: unknown } }) =>
              (req.user as { role?: string } | null)?.role === 'admin',
            delete: ({ req }: { req: { user: unknown } }) =>
              (req.user as { role?: string } | null)?.role === 'admin',
          },
        },
        canRead: false,
        canDelete: false,
        adminCanRead: true,
      },
    ]
    for (const testCase of cases) {
      await withPayload(
        kind,
        {
          plugin: { storage, eventBus: createMemoryEventBus(), ...testCase.options },
          collections: [
            {
              slug: 'users',
              fields: [
                { name: 'email', type: 'email', required: true },
                { name: 'role', type: 'text' },
              ],
            },
          ],
        },
        async (app) => {
          const session = await signUp(auth, `${testCase.name}-${Date.now()}@example.com`)
          await syncCreate(app.payload, 'users', {
            email: session.email,
            baUserId: session.userId,
            role: 'editor',
          })
          const row = await syncCreate(app.payload, '__better_auth_email_password', {
            baAccountId: `acc-${testCase.name}`,
            baUserId: session.userId,
          })
          const headers = { cookie: session.cookie }
          const read = await app.rest('/__better_auth_email_password', { headers })
          expect(read.status === 200, `${testCase.name}: read`).toBe(testCase.canRead)
          const remove = await app.rest(`/__better_auth_email_password/${row.id}`, {
            method: 'DELETE',
            headers,
          })
          expect(remove.status === 200, `${testCase.name}: delete`).toBe(testCase.canDelete)
          expect(
            (await app.rest('/__better_auth_email_password')).status,
            `${testCase.name}: anonymous`,
          ).toBe(403)

          if (testCase.adminCanRead) {
            const adminSession = await signUp(auth, `admin-${Date.now()}@example.com`)
            await syncCreate(app.payload, 'users', {
              email: adminSession.email,
              baUserId: adminSession.userId,
              role: 'admin',
            })
            const adminRead = await app.rest('/__better_auth_email_password', {
              headers: { cookie: adminSession.cookie },
            })
            expect(adminRead.status).toBe(200)
            const adminDelete = await app.rest(`/__better_auth_email_password/${row.id}`, {
              method: 'DELETE',
              headers: { cookie: adminSession.cookie },
            })
            expect(adminDelete.status).toBe(200)
          }
        },
      )
    }
  })
})

describe('start-up', () => {
  it('records timestamp:payload, notifies the bus, and calls the warmup endpoint without waiting for it', async () => {
    const hits: string[] = []
    let answer = false
    const server = createServer((request, response) => {
      hits.push(String(request.url))
      response.statusCode = answer ? 200 : 503
      response.end('{}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const notified: number[] = []
    eventBus.subscribeToTimestamp('payload', (ts) => notified.push(ts))
    const before = Date.now()
    const app = await startPayload('sqlite', {
      plugin: {
        storage,
        eventBus,
        betterAuthClientOptions: {
          externalBaseURL: 'http://localhost:3000',
          internalBaseURL: `http://127.0.0.1:${port}`,
        },
      },
    })
    try {
      const recorded = Number(await storage.get(timestampKey('payload')))
      expect(recorded).toBeGreaterThanOrEqual(before)
      await eventually(() => expect(notified).toEqual([recorded]))
      // Better Auth answers 503 at first (still starting): Payload is up anyway and retries.
      await eventually(() => expect(hits.length).toBeGreaterThanOrEqual(1))
      answer = true
      await eventually(() => expect(hits.length).toBeGreaterThanOrEqual(2), { timeoutMs: 5_000 })
      expect(hits.every((url) => url === '/api/auth/warmup')).toBe(true)
    } finally {
      await app.close()
      server.close()
    }
  })
})

describe('production guard', () => {
  const plugin = (secrets: { betterAuthSecret?: string; syncSecret?: string }) =>
    configWithPlugin(secrets)
  const strong = 'k7JtQ2v9X1mZp4Lr8Ws0Yb3Nc6Hd5Fg2Ae'

  it.each([
    ['missing', undefined, /BETTER_AUTH_SECRET is not set/],
    ['short', 'short-secret', /shorter than 32/],
    ['an example', 'your-secret-min-32-chars', /example value/],
    [
      "Better Auth's development default",
      'better-auth-secret-12345678901234567890',
      /example value/,
    ],
  ])('refuses to start in production with a %s BETTER_AUTH_SECRET', async (_, secret, message) => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.stubEnv('BETTER_AUTH_SECRET', '')
    vi.stubEnv('BA_TO_PAYLOAD_SECRET', strong)
    await expect(plugin({ betterAuthSecret: secret || undefined })).rejects.toThrow(message)
  })

  it('refuses to start in production with a weak BA_TO_PAYLOAD_SECRET, and starts with strong ones', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.stubEnv('BA_TO_PAYLOAD_SECRET', 'your-sync-secret')
    await expect(plugin({ betterAuthSecret: strong })).rejects.toThrow(/BA_TO_PAYLOAD_SECRET/)
    vi.stubEnv('BA_TO_PAYLOAD_SECRET', `${strong}-sync`)
    vi.stubEnv('BETTER_AUTH_SECRET', strong)
    await expect(plugin({})).resolves.toBeDefined()
    // Better Auth also reads AUTH_SECRET when BETTER_AUTH_SECRET is unset; so does the plugin.
    vi.stubEnv('BETTER_AUTH_SECRET', '')
    vi.stubEnv('AUTH_SECRET', strong)
    await expect(plugin({})).resolves.toBeDefined()
    vi.stubEnv('AUTH_SECRET', '')
    await expect(plugin({})).rejects.toThrow(/BETTER_AUTH_SECRET is not set/)
  })

  it('never puts a secret in a response', async () => {
    const storage = createMemoryStorage()
    await withPayload(
      'sqlite',
      {
        plugin: { storage, eventBus: createMemoryEventBus(), debug: true },
      },
      async (app) => {
        const auth = await createTestAuth(storage)
        const session = await signUp(auth, 'leak@example.com')
        await syncCreate(app.payload, 'users', { email: session.email, baUserId: session.userId })
        const headers = { cookie: session.cookie, 'content-type': 'application/json' }
        const responses = await Promise.all([
          app.rest('/users/me', { headers }),
          app.rest('/users', { headers }),
          app.rest('/__better_auth_email_password', { headers }),
          app.rest('/__better_auth_email_password', {
            method: 'POST',
            headers,
            body: '{"baAccountId":"x"}',
          }),
          app.rest('/users/1', { method: 'PATCH', headers, body: '{"baUserId":"x"}' }),
          app.rest('/access', { headers }),
        ])
        for (const response of responses) {
          expect(response.status).toBeLessThan(500)
          const text = await response.text()
          expect(text).not.toContain(TEST_BETTER_AUTH_SECRET)
          expect(text).not.toContain(TEST_SYNC_SECRET)
        }
      },
    )
  })
})

describe('disabled', () => {
  it('keeps the collections and fields, but authenticates nobody and announces nothing', async () => {
    const storage = createMemoryStorage()
    await withPayload(
      'sqlite',
      {
        plugin: { storage, eventBus: createMemoryEventBus(), disabled: true },
      },
      async (app) => {
        expect(Object.keys(app.payload.collections)).toEqual(
          expect.arrayContaining([
            'users',
            '__better_auth_email_password',
            '__better_auth_magic_link',
            '__better_auth_social',
          ]),
        )
        expect(app.payload.authStrategies.map((s) => s.name)).not.toContain('better-auth')
        expect(await storage.get(timestampKey('payload'))).toBeNull()
        const auth = await createTestAuth(storage)
        const session = await signUp(auth, 'disabled@example.com')
        expect(
          (await app.payload.auth({ headers: browserHeaders({ cookie: session.cookie }) })).user,
        ).toBeNull()
        // Nothing verifies while disabled, so no signed write gets through either.
        await expect(
          syncCreate(app.payload, 'users', { email: session.email, baUserId: session.userId }),
        ).rejects.toThrow(/refused/)
      },
    )
  })
})

describe('custom session cookie', () => {
  it("authenticates Better Auth's cookie under its advanced.cookiePrefix", async () => {
    const storage = createMemoryStorage()
    await withPayload(
      'sqlite',
      {
        plugin: {
          storage,
          eventBus: createMemoryEventBus(),
          betterAuthClientOptions: {
            externalBaseURL: 'http://x',
            internalBaseURL: 'http://127.0.0.1:9',
            cookiePrefix: 'myapp',
          },
        },
      },
      async (app) => {
        const auth = await createTestAuth(storage)
        const session = await signUp(auth, 'prefixed@example.com')
        await syncCreate(app.payload, 'users', { email: session.email, baUserId: session.userId })
        const value = session.cookie.slice(session.cookie.indexOf('=') + 1)
        const authenticate = (cookie: string) =>
          app.payload.auth({ headers: browserHeaders({ cookie }) })
        expect((await authenticate(`myapp.session_token=${value}`)).user?.email).toBe(session.email)
        expect((await authenticate(`better-auth.session_token=${value}`)).user).toBeNull()
      },
    )
  })
})
