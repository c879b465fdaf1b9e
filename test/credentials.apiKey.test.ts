import { apiKey } from '@better-auth/api-key'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { betterAuthApiKey } from '../src/index.ts'
import {
  API_KEY_SIGNATURE_HEADER,
  API_KEY_VERIFICATION_PATH,
  signApiKeyVerification,
} from '../src/shared/apiKeyVerification.ts'
import { TEST_SYNC_SECRET } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { startPayload } from './helpers/payload.ts'
import { SITE, type SignedUp, type SyncedApp, signUp, startSyncedApp } from './helpers/syncedApp.ts'

// Better Auth API keys on a real Payload and a real Better Auth (its api-key plugin), served over
// HTTP as deployed. A key acts as its owner, narrowed by its `permissions`; Better Auth decides
// whether it holds (enabled, expiry, remaining, rate limit). Every refusal starts from a key that
// does authenticate.

/** The api-key plugin's server API (the synced auth is typed without its plugins). */
interface ApiKeyApi {
  createApiKey(args: {
    body: {
      userId: string
      permissions?: Record<string, string[]>
      remaining?: number
      expiresIn?: number
      rateLimitEnabled?: boolean
      rateLimitMax?: number
      rateLimitTimeWindow?: number
    }
  }): Promise<{ id: string; key: string }>
  updateApiKey(args: {
    body: { keyId: string; userId: string; enabled: boolean }
  }): Promise<unknown>
}

type Docs = { docs: Array<Record<string, unknown>> }

describeEachDatabase('Better Auth API keys authenticate Payload', (kind) => {
  let ctx: SyncedApp
  let owner: SignedUp
  /** What `betterAuthApiKey(req.user)` said in the posts' read rule, per call. */
  const seenKeys: unknown[] = []

  const api = () => ctx.synced.auth.api as unknown as ApiKeyApi
  const createKey = async (
    body: Omit<Parameters<ApiKeyApi['createApiKey']>[0]['body'], 'userId'>,
  ) => api().createApiKey({ body: { userId: owner.baUserId, rateLimitEnabled: false, ...body } })
  const withKey = (key: string) => ({ 'x-api-key': key })
  const posts = (headers: Record<string, string>) => ctx.app.rest('/posts', { headers })
  const createPost = (headers: Record<string, string>, title: string) =>
    ctx.app.rest('/posts', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    })
  const me = async (headers: Record<string, string>) =>
    (
      (await (await ctx.app.rest('/users/me', { headers })).json()) as {
        user: { email?: string } | null
      }
    ).user
  const verifyCall = (key: string, headers: Record<string, string>) =>
    fetch(`${ctx.betterAuthURL}/api/auth${API_KEY_VERIFICATION_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ key }),
    })

  beforeAll(async () => {
    ctx = await startSyncedApp(kind, {
      // GraphQL reserves names that begin with "__", the default prefix.
      collectionPrefix: 'better_auth',
      collections: [
        {
          slug: 'posts',
          fields: [{ name: 'title', type: 'text' }],
          access: {
            read: ({ req }) => {
              seenKeys.push(betterAuthApiKey(req.user))
              return Boolean(req.user)
            },
            create: ({ req }) => Boolean(req.user),
          },
        },
      ],
      globals: [
        {
          slug: 'settings',
          fields: [{ name: 'motto', type: 'text' }],
          access: { read: ({ req }) => Boolean(req.user) },
        },
      ],
      auth: {
        plugins: [
          apiKey({
            apiKeyHeaders: ['x-api-key', 'authorization'],
            // Keys of a few seconds, for the expiry case.
            keyExpiration: { minExpiresIn: 0 },
          }),
        ],
        apiKeyHeaders: ['x-api-key', 'authorization'],
      },
    })
    owner = await signUp(ctx, 'owner@example.com')
    await signUp(ctx, 'stranger@example.com')
    await ctx.app.payload.create({ collection: 'posts', data: { title: 'hello' } })
  })
  afterAll(async () => ctx?.close())

  it('the helper made the api-key table: a key is created server-side', async () => {
    const { key, id } = await createKey({})
    expect(key.length).toBeGreaterThanOrEqual(64)
    expect(id).toBeTruthy()
  })

  it("authenticates REST as the key's owner, with the owner's access", async () => {
    const { key } = await createKey({})
    expect((await posts({})).status).toBe(403)
    const found = await posts(withKey(key))
    expect(found.status).toBe(200)
    expect(((await found.json()) as Docs).docs.map((doc) => doc.title)).toEqual(['hello'])
    // The users collection's default: the owner reads only itself.
    const users = (await (await ctx.app.rest('/users', { headers: withKey(key) })).json()) as Docs
    expect(users.docs.map((doc) => doc.email)).toEqual(['owner@example.com'])
    expect((await me(withKey(key)))?.email).toBe('owner@example.com')
  })

  it("authenticates GraphQL as the key's owner", async () => {
    const { key } = await createKey({})
    const result = await ctx.app.graphql(
      '{ Posts { docs { title } } Users { docs { email } } }',
      withKey(key),
    )
    expect(result.errors).toBeUndefined()
    expect(result.data?.Posts).toEqual({ docs: [{ title: 'hello' }] })
    expect(result.data?.Users).toEqual({ docs: [{ email: 'owner@example.com' }] })
  })

  it('takes the key from Authorization: Bearer when the plugin reads that header', async () => {
    const { key } = await createKey({})
    const found = await posts({ authorization: `Bearer ${key}` })
    expect(found.status).toBe(200)
  })

  it('req.user says which key, and with what permissions', async () => {
    const { key, id } = await createKey({ permissions: { posts: ['read'] } })
    seenKeys.length = 0
    expect((await posts(withKey(key))).status).toBe(200)
    expect(seenKeys).toEqual([{ id, permissions: { posts: ['read'] } }])
    seenKeys.length = 0
    expect((await posts(owner.headers)).status).toBe(200)
    expect(seenKeys).toEqual([undefined])
  })

  it('a read-only key reads posts but gets 403 on create (REST and GraphQL)', async () => {
    const { key } = await createKey({ permissions: { posts: ['read'] } })
    expect((await posts(withKey(key))).status).toBe(200)
    expect((await createPost(withKey(key), 'by a read-only key')).status).toBe(403)
    const mutation = await ctx.app.graphql(
      'mutation { createPost(data: { title: "by a read-only key" }) { title } }',
      withKey(key),
    )
    expect(mutation.data?.createPost ?? null).toBeNull()
    expect(mutation.errors?.length).toBeGreaterThan(0)
    const { totalDocs } = await ctx.app.payload.count({
      collection: 'posts',
      where: { title: { equals: 'by a read-only key' } },
    })
    expect(totalDocs).toBe(0)
    // The owner itself may create: the key narrowed the owner's access, nothing else did.
    const { key: full } = await createKey({ permissions: { posts: ['read', 'create'] } })
    expect((await createPost(withKey(full), 'by a read-create key')).status).toBe(201)
  })

  it("a rule the app left to Payload's default (posts update) is narrowed too", async () => {
    const post = await ctx.app.payload.create({ collection: 'posts', data: { title: 'draft' } })
    const patch = (key: string) =>
      ctx.app.rest(`/posts/${post.id}`, {
        method: 'PATCH',
        headers: { ...withKey(key), 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'edited' }),
      })
    const { key: readOnly } = await createKey({ permissions: { posts: ['read'] } })
    const { key: unrestricted } = await createKey({})
    expect((await patch(readOnly)).status).toBe(403)
    expect((await patch(unrestricted)).status).toBe(200)
    await ctx.app.payload.delete({ collection: 'posts', id: post.id })
  })

  it('a key whose permissions do not name posts cannot read posts', async () => {
    const { key } = await createKey({ permissions: { users: ['read'] } })
    expect((await posts(withKey(key))).status).toBe(403)
    const users = await ctx.app.rest('/users', { headers: withKey(key) })
    expect(users.status).toBe(200)
  })

  it('globals too: a key reads a global only when its permissions name it', async () => {
    const { key: postsOnly } = await createKey({ permissions: { posts: ['read'] } })
    const { key: settings } = await createKey({ permissions: { settings: ['read'] } })
    const { key: unrestricted } = await createKey({})
    const read = (headers: Record<string, string>) => ctx.app.rest('/globals/settings', { headers })
    expect((await read(withKey(unrestricted))).status).toBe(200)
    expect((await read(withKey(settings))).status).toBe(200)
    expect((await read(withKey(postsOnly))).status).toBe(403)
  })

  it('a key never opens the admin panel', async () => {
    const { key } = await createKey({})
    await (await ctx.synced.auth.$context).internalAdapter.updateUser(owner.baUserId, {
      role: 'admin',
    })
    try {
      const access = async (headers: Record<string, string>) =>
        (
          (await (await ctx.app.rest('/access', { headers })).json()) as {
            canAccessAdmin?: boolean
          }
        ).canAccessAdmin === true
      expect(await access(owner.headers)).toBe(true)
      expect(await access(withKey(key))).toBe(false)
    } finally {
      await (await ctx.synced.auth.$context).internalAdapter.updateUser(owner.baUserId, {
        role: 'user',
      })
    }
  })

  it('a disabled key gets nobody', async () => {
    const { key, id } = await createKey({})
    expect((await posts(withKey(key))).status).toBe(200)
    await api().updateApiKey({ body: { keyId: id, userId: owner.baUserId, enabled: false } })
    expect((await posts(withKey(key))).status).toBe(403)
    expect(await me(withKey(key))).toBeNull()
  })

  it('an expired key gets nobody', async () => {
    const { key } = await createKey({ expiresIn: 2 })
    expect((await posts(withKey(key))).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 2_100))
    expect((await posts(withKey(key))).status).toBe(403)
  })

  it('an exhausted key gets nobody (remaining is counted once per request)', async () => {
    const { key } = await createKey({ remaining: 1 })
    expect((await posts(withKey(key))).status).toBe(200)
    expect((await posts(withKey(key))).status).toBe(403)
  })

  it("a key over its rate limit gets nobody (Better Auth's limit)", async () => {
    const { key } = await createKey({
      rateLimitEnabled: true,
      rateLimitMax: 2,
      rateLimitTimeWindow: 60_000,
    })
    expect((await posts(withKey(key))).status).toBe(200)
    expect((await posts(withKey(key))).status).toBe(200)
    expect((await posts(withKey(key))).status).toBe(403)
  })

  it('a made-up key gets nobody', async () => {
    expect((await posts(withKey('made-up-key'.padEnd(64, 'x')))).status).toBe(403)
    expect(await me(withKey('made-up-key'))).toBeNull()
    expect((await posts({ authorization: 'Bearer made-up-key' })).status).toBe(403)
  })

  it("a key whose owner is no user (an organization's) gets nobody", async () => {
    const { key, id } = await createKey({})
    expect((await posts(withKey(key))).status).toBe(200)
    await (await ctx.synced.auth.$context).adapter.update({
      model: 'apikey',
      where: [{ field: 'id', value: id }],
      update: { referenceId: 'an-organization-id' },
    })
    expect((await posts(withKey(key))).status).toBe(403)
    // Refused by Better Auth's side already, not only for want of a Payload row.
    const answer = await verifyCall(key, {
      [API_KEY_SIGNATURE_HEADER]: signApiKeyVerification(TEST_SYNC_SECRET, key),
    })
    expect(answer.status).toBe(401)
    expect(((await answer.json()) as { message: string }).message).toMatch(/not belong to a user/)
  })

  it('the verify endpoint answers only a call signed with the sync secret', async () => {
    const { key } = await createKey({ remaining: 1 })
    const unsigned = await verifyCall(key, {})
    expect(unsigned.status).toBe(401)
    expect(((await unsigned.json()) as { message: string }).message).toMatch(/Payload server/)
    const wrongSecret = signApiKeyVerification('another-secret-0123456789abcdef-0123', key)
    expect((await verifyCall(key, { [API_KEY_SIGNATURE_HEADER]: wrongSecret })).status).toBe(401)
    const stale = signApiKeyVerification(TEST_SYNC_SECRET, key, Date.now() - 400_000)
    expect((await verifyCall(key, { [API_KEY_SIGNATURE_HEADER]: stale })).status).toBe(401)
    // Signed for another key: no signature stands for a key it was not made over.
    const other = signApiKeyVerification(TEST_SYNC_SECRET, 'another-key')
    expect((await verifyCall(key, { [API_KEY_SIGNATURE_HEADER]: other })).status).toBe(401)
    // None of those reached the api-key plugin: the one use the key has is still there.
    const signed = await verifyCall(key, {
      [API_KEY_SIGNATURE_HEADER]: signApiKeyVerification(TEST_SYNC_SECRET, key),
    })
    expect(signed.status).toBe(200)
    expect(await signed.json()).toMatchObject({ userId: owner.baUserId, permissions: null })
  })

  it('the verify endpoint refuses bad input with a 400', async () => {
    const response = await fetch(`${ctx.betterAuthURL}/api/auth${API_KEY_VERIFICATION_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 42 }),
    })
    expect(response.status).toBe(400)
  })

  it('a Better Auth that does not answer: nobody (not a 500), logged', async () => {
    const { key } = await createKey({})
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    // A second Payload on the same storage (so it knows the api-key plugin is on), whose Better
    // Auth is at an address where nothing listens.
    const orphan = await startPayload(kind, {
      plugin: {
        storage: ctx.storage,
        eventBus: createMemoryEventBus(),
        collectionPrefix: 'better_auth',
        betterAuthClientOptions: { externalBaseURL: SITE, internalBaseURL: 'http://127.0.0.1:9' },
      },
    })
    try {
      const response = await orphan.rest('/users/me', { headers: withKey(key) })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { user: unknown }).user).toBeNull()
      expect(errors.mock.calls.flat().join('\n')).toMatch(/Better Auth, for API keys/)
    } finally {
      errors.mockRestore()
      await orphan.close()
    }
  })
})
