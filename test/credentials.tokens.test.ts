import { bearer, jwt, multiSession } from 'better-auth/plugins'
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CollectionConfig } from 'payload'
import { impersonatedBy } from 'payload-better-auth'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { jwtKind } from '../src/payload/credentials/jwt.ts'
import { type CredentialRequest, REFUSED } from '../src/payload/credentials/types.ts'
import { betterAuthIdentity } from '../src/payload/usersAccess.ts'
import { PUBLISHED_CONFIG_KEY } from '../src/shared/keys.ts'
import { parsePublishedConfig } from '../src/shared/publishedConfig.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import {
  makeAdmin,
  SITE,
  type SignedUp,
  type SyncedApp,
  signUp,
  startSyncedApp,
} from './helpers/syncedApp.ts'

// Better Auth's token-shaped credentials and session variants, through a real Payload and a real
// Better Auth served over HTTP: the jwt plugin's JWTs (verified against the JWKS Payload fetches
// from Better Auth), the bearer plugin's session tokens, multi-session's active session, and the
// admin plugin's impersonation sessions. Each refusal starts from a token that does authenticate.

/** A collection an impersonating admin may read and write but not delete from. */
const notes: CollectionConfig = {
  slug: 'notes',
  fields: [{ name: 'title', type: 'text' }],
  access: {
    read: ({ req }) => Boolean(req.user),
    create: ({ req }) => Boolean(req.user),
    delete: ({ req }) => Boolean(req.user) && impersonatedBy(req.user) === null,
  },
}

const PASSWORD = 'correct-horse-battery'

/** A browser's cookies for the site: what each `Set-Cookie` leaves, in order. */
class CookieJar {
  private readonly cookies = new Map<string, string>()
  constructor(cookie = '') {
    for (const pair of cookie.split('; ').filter(Boolean)) this.set(pair)
  }
  /** Applies a response's `Set-Cookie` headers (a `Max-Age=0` one removes the cookie). */
  take(response: Response): this {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      if (attributes.some((attribute) => attribute.trim().toLowerCase() === 'max-age=0')) {
        this.cookies.delete(pair.slice(0, pair.indexOf('=')))
      } else {
        this.set(pair)
      }
    }
    return this
  }
  private set(pair: string) {
    const at = pair.indexOf('=')
    this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1))
  }
  get(name: string): string | undefined {
    return this.cookies.get(name)
  }
  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  /** What a same-site request from the site's pages carries. */
  get headers(): Record<string, string> {
    return { cookie: this.header, origin: SITE }
  }
}

describeEachDatabase('JWT, bearer, multi-session and impersonation credentials', (kind) => {
  let ctx: SyncedApp
  let alice: SignedUp
  let bob: SignedUp

  /** Better Auth's HTTP API as the site's pages call it (Origin checked on cookie POSTs). */
  const betterAuth = (path: string, init: { body?: unknown; headers?: Record<string, string> }) =>
    ctx.synced.auth.handler(
      new Request(`${SITE}/api/auth${path}`, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: {
          origin: SITE,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
    )

  /** Who Payload's REST API says is signed in (`GET /api/users/me`). */
  const me = async (headers: Record<string, string>) => {
    const response = await ctx.app.rest('/users/me', { headers })
    const body = (await response.json()) as { user: { email: string } | null }
    return body.user?.email ?? null
  }
  /** The strategy's result, as `payload.auth()` gives it to an app. */
  const authenticate = async (headers: Record<string, string>) =>
    (await ctx.app.payload.auth({ headers: new Headers(headers) })).user

  const bearerHeaders = (token: string) => ({ authorization: `Bearer ${token}` })

  /** A JWT from `GET /api/auth/token`, as a client holding the session cookie gets it. */
  const tokenFor = async (user: SignedUp) => {
    const response = await betterAuth('/token', { headers: { cookie: user.cookie } })
    expect(response.status).toBe(200)
    return ((await response.json()) as { token: string }).token
  }
  /** A JWT signed with Better Auth's own key (its server-only `signJWT`), claims as given. */
  const signedByBetterAuth = async (payload: Record<string, unknown>) => {
    // The helper's type knows only the plugins it always adds; the jwt plugin is passed in.
    const api = ctx.synced.auth.api as unknown as {
      signJWT(args: { body: { payload: Record<string, unknown> } }): Promise<{ token: string }>
    }
    return (await api.signJWT({ body: { payload } })).token
  }

  beforeAll(async () => {
    ctx = await startSyncedApp(kind, {
      collections: [notes],
      // GraphQL reserves names that begin with "__", the default prefix.
      collectionPrefix: 'better_auth',
      auth: { plugins: [jwt(), bearer(), multiSession()] },
    })
    alice = await signUp(ctx, 'alice@example.com', 'Alice')
    bob = await signUp(ctx, 'bob@example.com', 'Bob')
  })
  afterAll(async () => ctx?.close())

  it("authenticates REST and GraphQL with the jwt plugin's token, fetching the JWKS once", async () => {
    const token = await tokenFor(alice)
    expect(token.split('.')).toHaveLength(3)
    ctx.served.length = 0
    expect(await me(bearerHeaders(token))).toBe('alice@example.com')
    // Payload does not hand the token back as if it had issued it.
    const body = await (await ctx.app.rest('/users/me', { headers: bearerHeaders(token) })).json()
    expect(body).not.toHaveProperty('token')
    // A protected route: anonymous requests read nothing.
    expect((await ctx.app.rest('/notes', {})).status).toBe(403)
    expect((await ctx.app.rest('/notes', { headers: bearerHeaders(token) })).status).toBe(200)
    const graphql = await ctx.app.graphql('{ meUser { user { email } } }', bearerHeaders(token))
    expect(graphql.data?.meUser).toMatchObject({ user: { email: 'alice@example.com' } })
    const user = await authenticate(bearerHeaders(token))
    expect(betterAuthIdentity(user)).toMatchObject({ id: alice.baUserId, via: 'jwt', role: null })
    // The key set came from Better Auth over HTTP, once: jose caches it.
    expect(ctx.served.filter((path) => path === '/api/auth/jwks')).toEqual(['/api/auth/jwks'])
  })

  it('refuses a JWT whose signature was tampered with', async () => {
    const token = await tokenFor(alice)
    expect(await me(bearerHeaders(token))).toBe('alice@example.com')
    const [header, payload, signature = ''] = token.split('.')
    // A character from the middle: the last one may carry only padding bits.
    const at = Math.floor(signature.length / 2)
    const flipped = signature[at] === 'A' ? 'B' : 'A'
    const tampered = `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`
    expect(await me(bearerHeaders(tampered))).toBeNull()
    // Claims rewritten to another user, the signature kept.
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: bob.baUserId })).toString(
      'base64url',
    )
    expect(await me(bearerHeaders(`${header}.${forged}.${signature}`))).toBeNull()
  })

  it('refuses an expired JWT', async () => {
    const now = Math.floor(Date.now() / 1000)
    const valid = await signedByBetterAuth({ sub: alice.baUserId, iat: now, exp: now + 60 })
    expect(await me(bearerHeaders(valid))).toBe('alice@example.com')
    const expired = await signedByBetterAuth({ sub: alice.baUserId, iat: now - 120, exp: now - 60 })
    expect(await me(bearerHeaders(expired))).toBeNull()
  })

  it('refuses a JWT Better Auth signed for another audience or issuer, or without a subject', async () => {
    expect(await me(bearerHeaders(await signedByBetterAuth({ sub: alice.baUserId })))).toBe(
      'alice@example.com',
    )
    const elsewhere = 'https://elsewhere.example'
    const wrongAudience = await signedByBetterAuth({ sub: alice.baUserId, aud: elsewhere })
    expect(await me(bearerHeaders(wrongAudience))).toBeNull()
    const wrongIssuer = await signedByBetterAuth({ sub: alice.baUserId, iss: elsewhere })
    expect(await me(bearerHeaders(wrongIssuer))).toBeNull()
    // No `sub`: whose would it be? Never "the first user the lookup finds".
    expect(await me(bearerHeaders(await signedByBetterAuth({ name: 'Alice' })))).toBeNull()
  })

  it("refuses a JWT signed with a key that is not in Better Auth's key set", async () => {
    const real = await tokenFor(alice)
    const { kid, alg = 'EdDSA' } = decodeProtectedHeader(real)
    const { privateKey } = await generateKeyPair(alg, { extractable: true })
    const sign = (header: { alg: string; kid?: string }) =>
      new SignJWT({ sub: alice.baUserId })
        .setProtectedHeader(header)
        .setIssuer(SITE)
        .setAudience(SITE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey)
    // The claims are right; only the key is foreign: under Better Auth's key id, and its own.
    expect(await me(bearerHeaders(await sign({ alg, kid })))).toBeNull()
    const foreignKid = (await exportJWK(privateKey)).x ?? 'foreign'
    expect(await me(bearerHeaders(await sign({ alg, kid: foreignKid })))).toBeNull()
  })

  it("fails closed when Better Auth's key set cannot be loaded, and refuses bad tokens without asking", async () => {
    const config = parsePublishedConfig(await ctx.storage.get(PUBLISHED_CONFIG_KEY))
    expect(config?.jwt).toEqual({ issuer: SITE, audience: SITE, jwksPath: '/jwks' })
    const token = await tokenFor(alice)
    const request = (authorization: string): CredentialRequest => ({
      headers: new Headers({ authorization }),
      payload: ctx.app.payload,
      canSetHeaders: false,
      cookiesAllowed: false,
      config: async () => config,
      findUser: async () => null,
    })
    const live = jwtKind({ betterAuthURL: `${ctx.betterAuthURL}/api/auth` })
    expect(await live.verify(request(`Bearer ${token}`))).toEqual({
      userId: alice.baUserId,
      via: 'jwt',
      role: null,
    })
    // Not a JWT (the bearer plugin's session token has one dot): another kind's to judge.
    expect(await live.verify(request('Bearer abc.def'))).toBeNull()
    expect(await live.verify(request(`Bearer ${token.slice(0, -4)}AAAA`))).toBe(REFUSED)
    // Signed by Better Auth but about nobody: refused here, never looked up as `undefined`.
    const noSubject = await signedByBetterAuth({ name: 'Alice' })
    expect(await live.verify(request(`Bearer ${noSubject}`))).toBe(REFUSED)
    // Nothing listens there, or Better Auth answers 404: an outage, which the dispatcher logs.
    const unreachable = jwtKind({ betterAuthURL: 'http://127.0.0.1:9/api/auth' })
    await expect(unreachable.verify(request(`Bearer ${token}`))).rejects.toThrow(
      /key set at http:\/\/127\.0\.0\.1:9\/api\/auth\/jwks could not be loaded/,
    )
    const wrongPath = jwtKind({ betterAuthURL: `${ctx.betterAuthURL}/nowhere` })
    await expect(wrongPath.verify(request(`Bearer ${token}`))).rejects.toThrow(
      /could not be loaded/,
    )
    // Without the jwt plugin published, a JWT is nobody's credential.
    const noPlugin = {
      ...request(`Bearer ${token}`),
      config: async () => config && { ...config, jwt: null },
    }
    expect(await live.verify(noPlugin)).toBeNull()
  })

  it("authenticates REST with the bearer plugin's set-auth-token", async () => {
    const { headers } = await ctx.synced.auth.api.signInEmail({
      body: { email: bob.email, password: PASSWORD },
      returnHeaders: true,
    })
    const token = headers.get('set-auth-token')
    expect(token).toBeTruthy()
    // `/me` too: Payload would decode the bearer value as its own JWT (a 500) if the plugin did not
    // answer it.
    expect(await me(bearerHeaders(token as string))).toBe('bob@example.com')
    const graphql = await ctx.app.graphql(
      '{ meUser { user { email } } }',
      bearerHeaders(token as string),
    )
    expect(graphql).toEqual({ data: { meUser: { user: { email: 'bob@example.com' } } } })
    expect((await ctx.app.rest('/notes', { headers: bearerHeaders(token as string) })).status).toBe(
      200,
    )
    expect(betterAuthIdentity(await authenticate(bearerHeaders(token as string)))).toMatchObject({
      id: bob.baUserId,
      via: 'session',
    })
  })

  it('follows the active session of a multi-session browser', async () => {
    const jar = new CookieJar()
    const signIn = async (user: SignedUp) => {
      const response = await betterAuth('/sign-in/email', {
        body: { email: user.email, password: PASSWORD },
        headers: { cookie: jar.header },
      })
      expect(response.status).toBe(200)
      jar.take(response)
      return ((await response.json()) as { token: string }).token
    }
    const aliceToken = await signIn(alice)
    expect(await me(jar.headers)).toBe('alice@example.com')
    await signIn(bob)
    // Both sessions are in the jar; the active one is Bob's.
    const multi = jar.header.split('; ').filter((pair) => pair.includes('.session_token_multi-'))
    expect(multi).toHaveLength(2)
    expect(await me(jar.headers)).toBe('bob@example.com')
    const list = await betterAuth('/multi-session/list-device-sessions', {
      headers: { cookie: jar.header },
    })
    expect(((await list.json()) as unknown[]).length).toBe(2)

    // The site's account switcher.
    const switched = await betterAuth('/multi-session/set-active', {
      body: { sessionToken: aliceToken },
      headers: { cookie: jar.header },
    })
    expect(switched.status).toBe(200)
    jar.take(switched)
    expect(await me(jar.headers)).toBe('alice@example.com')
    expect(
      (await ctx.app.graphql('{ meUser { user { email } } }', jar.headers)).data?.meUser,
    ).toMatchObject({ user: { email: 'alice@example.com' } })
  })

  it('authenticates an impersonation session as its target, marked, until it stops', async () => {
    const admin = await signUp(ctx, `admin-${kind}@example.com`, 'Admin')
    await makeAdmin(ctx.synced, admin.baUserId)
    const target = await signUp(ctx, `target-${kind}@example.com`, 'Target')
    const create = (headers: Record<string, string>, title: string) =>
      ctx.app.rest('/notes', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      })
    const note = async (response: Response) => {
      expect(response.status).toBe(201)
      return String(((await response.json()) as { doc: { id: string | number } }).doc.id)
    }
    const kept = await note(await create(target.headers, 'kept'))

    const jar = new CookieJar(admin.cookie)
    const started = await betterAuth('/admin/impersonate-user', {
      body: { userId: target.baUserId },
      headers: { cookie: jar.header },
    })
    expect(started.status).toBe(200)
    jar.take(started)
    const impersonating = { ...jar.headers }

    // Payload sees the target, and who is behind it.
    expect(await me(impersonating)).toBe(target.email)
    const user = await authenticate(impersonating)
    expect(user?.email).toBe(target.email)
    expect(impersonatedBy(user)).toBe(admin.baUserId)
    expect((user as { impersonatedBy?: string } | null)?.impersonatedBy).toBe(admin.baUserId)
    expect(betterAuthIdentity(user)).toMatchObject({ id: target.baUserId, via: 'session' })

    // The access rule tells: reading and writing as the target, but no deleting.
    expect((await ctx.app.rest(`/notes/${kept}`, { headers: impersonating })).status).toBe(200)
    const written = await note(await create(impersonating, 'written while impersonating'))
    const deleted = await ctx.app.rest(`/notes/${kept}`, {
      method: 'DELETE',
      headers: impersonating,
    })
    expect(deleted.status).toBe(403)
    expect((await ctx.app.rest(`/notes/${kept}`, { headers: target.headers })).status).toBe(200)
    // The target's own session may delete: the rule refused the impersonation, not the user.
    const own = await ctx.app.rest(`/notes/${written}`, {
      method: 'DELETE',
      headers: target.headers,
    })
    expect(own.status).toBe(200)

    const stopped = await betterAuth('/admin/stop-impersonating', {
      body: {},
      headers: { cookie: jar.header },
    })
    expect(stopped.status).toBe(200)
    jar.take(stopped)
    expect(await me(impersonating)).toBeNull()
    expect(await authenticate(impersonating)).toBeNull()
    const restored = await authenticate(jar.headers)
    expect(restored?.email).toBe(admin.email)
    expect(impersonatedBy(restored)).toBeNull()
    expect(restored).not.toHaveProperty('impersonatedBy')
    expect(await me(jar.headers)).toBe(admin.email)
  })
})
