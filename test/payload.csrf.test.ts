import { randomBytes, randomUUID } from 'node:crypto'
import { type BetterAuthOptions, betterAuth } from 'better-auth'
import { admin } from 'better-auth/plugins'
import { buildConfig, type CollectionConfig, type Config, getPayload, type Payload } from 'payload'
import { betterAuthCollections, payloadAdapter } from 'payload-better-auth/adapter'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { betterAuthPayloadPlugin } from '../src/index.ts'
import { BETTER_AUTH_USER } from '../src/payload/usersAccess.ts'
import {
  createTestAuth,
  signUp,
  TEST_BETTER_AUTH_SECRET,
  TEST_SYNC_SECRET,
  type TestAuth,
} from './helpers/betterAuth.ts'
import { type DatabaseKind, describeEachDatabase, freshDatabase } from './helpers/databases.ts'
import {
  closePayload,
  payloadApis,
  syncCreate,
  syncUpdate,
  type TestPayload,
} from './helpers/payload.ts'

// Attacks on the `better-auth` strategy as a browser would carry them (issue 11, rules 4, 6, 7):
// a cross-site page riding the session cookie, a cookie planted under the un-prefixed name on an
// HTTPS site, and a ban written to the user row that the session's cached user does not know of.
// The site is served over HTTPS and lists itself in Payload's `csrf`, as a deployment would.

const SITE = 'https://site.example'
const EVIL = 'https://evil.example'
const SECURE_NAME = '__Secure-better-auth.session_token'
const PLAIN_NAME = 'better-auth.session_token'

/** Request headers a browser adds, by where the page that sent the request lives. */
const crossSite: Record<string, Record<string, string>> = {
  'Sec-Fetch-Site: cross-site, no Origin': { 'sec-fetch-site': 'cross-site' },
  'an Origin not in csrf': { origin: EVIL, 'sec-fetch-site': 'cross-site' },
  // Payload judges the Origin first: a same-origin claim next to it does not help.
  'an Origin not in csrf, Sec-Fetch-Site: same-origin': {
    origin: EVIL,
    'sec-fetch-site': 'same-origin',
  },
  // Payload's rule with a csrf list: no Origin and no Sec-Fetch-Site is not a browser on the site.
  'neither Origin nor Sec-Fetch-Site': {},
}
const sameSite: Record<string, Record<string, string>> = {
  'the site as Origin': { origin: SITE, 'sec-fetch-site': 'same-origin' },
  'Sec-Fetch-Site: same-origin, no Origin': { 'sec-fetch-site': 'same-origin' },
  'Sec-Fetch-Site: same-site, no Origin': { 'sec-fetch-site': 'same-site' },
  'Sec-Fetch-Site: none (typed URL), no Origin': { 'sec-fetch-site': 'none' },
}

const posts: CollectionConfig = {
  slug: 'posts',
  fields: [{ name: 'title', type: 'text' }],
  // Any signed-in user: the strategy alone decides who that is.
  access: {
    read: ({ req }) => Boolean(req.user),
    create: ({ req }) => Boolean(req.user),
    update: ({ req }) => Boolean(req.user),
    delete: ({ req }) => Boolean(req.user),
  },
}

type App = TestPayload

/** A real Payload on a fresh database; its REST calls carry exactly the headers a test gives. */
async function startApp(kind: DatabaseKind, config: Omit<Config, 'db' | 'secret'>): Promise<App> {
  const database = await freshDatabase(kind)
  const key = randomUUID()
  const built = buildConfig({
    secret: 'payload-csrf-test-secret-0123456789abcdef',
    db: database.adapter,
    typescript: { autoGenerate: false },
    telemetry: false,
    csrf: [SITE],
    ...config,
  })
  const payload = await getPayload({ config: built, key })
  return {
    payload,
    ...payloadApis({ config: built, key, siteURL: SITE, exactHeaders: true }),
    async close() {
      await closePayload(payload)
      await database.drop()
    },
  }
}

/** POST, PATCH and DELETE on `posts` with `headers`: each response's status. */
async function writes(app: App, headers: Record<string, string>) {
  const target = await app.payload.create({
    collection: 'posts',
    data: { title: 'original' },
    overrideAccess: true,
  })
  const send = (path: string, method: string, body?: unknown) =>
    app.rest(
      path,
      body === undefined
        ? { method, headers }
        : {
            method,
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
    )
  const created = await send('/posts', 'POST', { title: 'written' })
  const patched = await send(`/posts/${target.id}`, 'PATCH', { title: 'changed' })
  const after = await app.payload.findByID({
    collection: 'posts',
    id: target.id,
    overrideAccess: true,
    disableErrors: true,
  })
  const deleted = await send(`/posts/${target.id}`, 'DELETE')
  const gone =
    (await app.payload.count({ collection: 'posts', where: { id: { equals: target.id } } }))
      .totalDocs === 0
  return {
    statuses: [created.status, patched.status, deleted.status],
    title: after?.title,
    gone,
  }
}

const me = async (app: App, headers: Record<string, string>) =>
  ((await (await app.rest('/users/me', { headers })).json()) as { user: { email: string } | null })
    .user

/**
 * Who Payload's auth makes of these headers. (`/api/users/me` cannot say for a Bearer token: its
 * `me` operation decodes any Bearer header as a Payload JWT, and fails on Better Auth's token.)
 */
const authenticate = async (app: App, headers: Record<string, string>) =>
  (await app.payload.auth({ headers: new Headers(headers) })).user as { email: string } | null

describeEachDatabase('CSRF, cookie names and bans: synced topology', (kind) => {
  const storage = createMemoryStorage()
  let app: App
  let auth: TestAuth

  /** A Better Auth user mirrored into Payload; `value` is the signed, URI-encoded cookie value. */
  async function user(label: string) {
    const session = await signUp(auth, `${label}-${randomBytes(4).toString('hex')}@example.com`)
    const doc = await syncCreate(app.payload, 'users', {
      email: session.email,
      baUserId: session.userId,
    })
    const value = session.cookie.slice(session.cookie.indexOf('=') + 1)
    return {
      ...session,
      doc,
      value,
      /** The session cookie under the name Better Auth gives it on an HTTPS site. */
      cookie: `${SECURE_NAME}=${value}`,
    }
  }

  beforeAll(async () => {
    app = await startApp(kind, {
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'banned', type: 'checkbox' },
            { name: 'banExpires', type: 'date' },
          ],
        },
        posts,
      ],
      plugins: [
        betterAuthPayloadPlugin({
          betterAuthSecret: TEST_BETTER_AUTH_SECRET,
          syncSecret: TEST_SYNC_SECRET,
          storage,
          eventBus: createMemoryEventBus(),
          // GraphQL refuses type names beginning with `__`, which the default prefix gives.
          collectionPrefix: 'better_auth',
          betterAuthClientOptions: {
            externalBaseURL: SITE,
            // Nothing listens here: the warmup must not hold anything up.
            internalBaseURL: 'http://127.0.0.1:9',
          },
        }),
      ],
    })
    auth = await createTestAuth(storage)
  })
  afterAll(() => app?.close())

  for (const [label, headers] of Object.entries(crossSite)) {
    it(`a cookie request with ${label} is nobody: POST, PATCH and DELETE get 403`, async () => {
      const { cookie } = await user('cross')
      const result = await writes(app, { ...headers, cookie })
      expect(result).toEqual({ statuses: [403, 403, 403], title: 'original', gone: false })
      expect(await me(app, { ...headers, cookie })).toBeNull()
    })
  }

  it('the same cross-site requests with Authorization: Bearer work (a page cannot send one)', async () => {
    const { value, email } = await user('bearer')
    for (const headers of Object.values(crossSite)) {
      const withBearer = { ...headers, authorization: `Bearer ${decodeURIComponent(value)}` }
      const result = await writes(app, withBearer)
      expect(result).toEqual({ statuses: [201, 200, 200], title: 'changed', gone: true })
      expect((await authenticate(app, withBearer))?.email).toBe(email)
    }
  })

  it('a refused cookie does not hide a Bearer header beside it', async () => {
    const { cookie, value, email } = await user('both')
    const headers = { ...crossSite['an Origin not in csrf'], cookie }
    expect(await authenticate(app, headers)).toBeNull()
    expect((await authenticate(app, { ...headers, authorization: `Bearer ${value}` }))?.email).toBe(
      email,
    )
  })

  for (const [label, headers] of Object.entries(sameSite)) {
    it(`a cookie request with ${label} works`, async () => {
      const { cookie, email } = await user('same')
      const result = await writes(app, { ...headers, cookie })
      expect(result).toEqual({ statuses: [201, 200, 200], title: 'changed', gone: true })
      expect((await me(app, { ...headers, cookie }))?.email).toBe(email)
    })
  }

  it('GraphQL: a cross-site cookie POST to /api/graphql is unauthenticated', async () => {
    const { cookie, email } = await user('graphql')
    const mutation = 'mutation { createPost(data: { title: "from graphql" }) { title } }'
    const meQuery = '{ meUser { user { email } } }'
    for (const headers of Object.values(crossSite)) {
      const attack = await app.graphql(mutation, { ...headers, cookie })
      expect(attack.errors?.[0]?.message).toMatch(/not allowed/i)
      const who = await app.graphql(meQuery, { ...headers, cookie })
      expect(who.data?.meUser).toMatchObject({ user: null })
    }
    expect(
      await app.payload.count({
        collection: 'posts',
        where: { title: { equals: 'from graphql' } },
      }),
    ).toMatchObject({ totalDocs: 0 })

    const site = { ...sameSite['the site as Origin'], cookie }
    expect((await app.graphql(mutation, site)).data?.createPost).toEqual({ title: 'from graphql' })
    expect((await app.graphql(meQuery, site)).data?.meUser).toMatchObject({ user: { email } })
  })

  it('on HTTPS the un-prefixed cookie name authenticates nobody; __Secure- does', async () => {
    const { value, email } = await user('planted')
    const headers = sameSite['the site as Origin']
    // What a sibling subdomain can plant: Better Auth never reads this name on an HTTPS site.
    const planted = { ...headers, cookie: `${PLAIN_NAME}=${value}` }
    expect(await me(app, planted)).toBeNull()
    expect((await writes(app, planted)).statuses).toEqual([403, 403, 403])
    // Not even as a second cookie beside a garbage __Secure- one.
    expect(
      await me(app, { ...headers, cookie: `${PLAIN_NAME}=${value}; ${SECURE_NAME}=x` }),
    ).toBeNull()

    const secure = { ...headers, cookie: `${SECURE_NAME}=${value}` }
    expect((await me(app, secure))?.email).toBe(email)
  })

  it('a ban on the loaded row ends the session though the stored session says not banned', async () => {
    const { cookie, token, doc, email } = await user('banned')
    const headers = { ...sameSite['the site as Origin'], cookie }
    expect((await me(app, headers))?.email).toBe(email)

    await syncUpdate(app.payload, 'users', doc.id, { banned: true })
    const cached = JSON.parse((await storage.get(token)) as string) as { user: { banned: unknown } }
    expect(cached.user.banned).toBe(false)
    expect(await me(app, headers)).toBeNull()
    expect((await writes(app, headers)).statuses).toEqual([403, 403, 403])

    // Still banned until banExpires; a ban that has run out no longer counts.
    const future = new Date(Date.now() + 3_600_000).toISOString()
    await syncUpdate(app.payload, 'users', doc.id, { banned: true, banExpires: future })
    expect(await me(app, headers)).toBeNull()
    const past = new Date(Date.now() - 1_000).toISOString()
    await syncUpdate(app.payload, 'users', doc.id, { banned: true, banExpires: past })
    expect((await me(app, headers))?.email).toBe(email)
  })

  it("attaches Better Auth's view of the user (role, ban) under BETTER_AUTH_USER", async () => {
    const { cookie, userId } = await user('identity')
    const { user: found } = await app.payload.auth({
      headers: new Headers({ ...sameSite['the site as Origin'], cookie }),
    })
    expect(found && (found as unknown as Record<symbol, unknown>)[BETTER_AUTH_USER]).toEqual({
      id: userId,
      role: 'user', // the admin plugin's default
      banned: false,
      via: 'session',
      sessionId: expect.any(String),
      impersonatedBy: null,
      apiKey: undefined,
    })
  })
})

describeEachDatabase('CSRF, cookie names and bans: shared-database topology', (kind) => {
  const storage = createMemoryStorage()
  const options = {
    baseURL: SITE,
    secret: TEST_BETTER_AUTH_SECRET,
    emailAndPassword: { enabled: true },
    user: { modelName: 'users' },
    advanced: { database: { generateId: 'serial' } },
    logger: { disabled: true },
    plugins: [admin()],
  } satisfies BetterAuthOptions
  let app: App
  const makeAuth = (payload: Payload) =>
    betterAuth({
      ...options,
      database: payloadAdapter({ payload: () => payload }),
      secondaryStorage: storage,
    })
  let auth: ReturnType<typeof makeAuth>

  /** A sign-up through Better Auth, whose user row is the Payload user; its session cookie. */
  async function user(label: string) {
    const email = `${label}-${randomBytes(4).toString('hex')}@example.com`
    const { headers, response } = await auth.api.signUpEmail({
      body: { email, password: 'correct-horse-battery', name: label },
      returnHeaders: true,
    })
    const cookie = (headers.get('set-cookie') ?? '').split(';')[0] as string
    return { email, cookie, id: response.user.id, token: response.token as string }
  }

  beforeAll(async () => {
    app = await startApp(kind, {
      collections: [{ slug: 'users', auth: true, fields: [] }, posts],
      plugins: [
        betterAuthCollections({
          betterAuthOptions: options,
          session: { storage, betterAuthSecret: TEST_BETTER_AUTH_SECRET },
        }),
      ],
    })
    auth = makeAuth(app.payload)
  })
  afterAll(() => app?.close())

  it('Better Auth on HTTPS names its cookie __Secure-; the un-prefixed name is nobody', async () => {
    const { cookie, email } = await user('shared-names')
    expect(cookie.startsWith(`${SECURE_NAME}=`)).toBe(true)
    const headers = sameSite['the site as Origin']
    expect((await me(app, { ...headers, cookie }))?.email).toBe(email)
    const planted = `${PLAIN_NAME}=${cookie.slice(cookie.indexOf('=') + 1)}`
    expect(await me(app, { ...headers, cookie: planted })).toBeNull()
  })

  it('a cross-site cookie POST gets 403; with Bearer it works', async () => {
    const { cookie } = await user('shared-csrf')
    const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
    for (const headers of Object.values(crossSite)) {
      expect((await writes(app, { ...headers, cookie })).statuses).toEqual([403, 403, 403])
      const bearer = { ...headers, authorization: `Bearer ${value}` }
      expect((await writes(app, bearer)).statuses).toEqual([201, 200, 200])
    }
    expect((await writes(app, { ...sameSite['the site as Origin'], cookie })).statuses).toEqual([
      201, 200, 200,
    ])
  })

  it("a ban written to the user row ends the session, whatever the session's copy says", async () => {
    const { cookie, email, id, token } = await user('shared-banned')
    const headers = { ...sameSite['the site as Origin'], cookie }
    expect((await me(app, headers))?.email).toBe(email)
    // Straight into the row, as any path that skips Better Auth would leave it.
    await app.payload.db.updateOne({ collection: 'users', id, data: { banned: true } })
    const cached = JSON.parse((await storage.get(token)) as string) as { user: { banned: unknown } }
    expect(cached.user.banned).toBe(false)
    expect(await me(app, headers)).toBeNull()
    expect((await writes(app, headers)).statuses).toEqual([403, 403, 403])
  })
})
