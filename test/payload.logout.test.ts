import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from 'better-auth/node'
import type { CollectionConfig } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPayload, type TestPayload } from './helpers/payload.ts'
import { cookieOf, createSyncedAuth } from './helpers/syncedAuth.ts'

// Payload's logout (`POST /api/users/logout`) ends the Better Auth session as well: through Better
// Auth's own sign-out when it answers, by deleting the session from the storage when it does not.
// Either way the browser's Better Auth cookies are expired, `Secure` where they need it.

const usersCollection: CollectionConfig = {
  slug: 'users',
  fields: [{ name: 'email', type: 'email', required: true }],
}
const EXTERNAL = 'http://localhost:3000' // Better Auth's baseURL in createSyncedAuth
const NOTHING_LISTENS = 'http://127.0.0.1:9'

type Synced = Awaited<ReturnType<typeof createSyncedAuth>>
interface Setup {
  app: TestPayload
  synced: Synced
  storage: SecondaryStorage
}
interface Session {
  /** `better-auth.session_token=<signed value>`, as the browser sends it back. */
  cookie: string
  /** The signed, URI-encoded cookie value. */
  value: string
  token: string
  userId: string
}

/** Payload + Better Auth sharing a memory storage; Payload reaches Better Auth at `internal`. */
async function setUp(
  externalBaseURL: string,
  internalBaseURL: string,
  sessionCookieName?: string,
): Promise<Setup> {
  const storage = createMemoryStorage()
  const eventBus = createMemoryEventBus()
  const client = { externalBaseURL, internalBaseURL, sessionCookieName }
  const app = await startPayload('sqlite', {
    plugin: { storage, eventBus, betterAuthClientOptions: client },
    collections: [usersCollection],
  })
  const synced = await createSyncedAuth({
    payload: async () => app.payload,
    config: app.payload.config,
    storage,
    eventBus,
  })
  return { app, synced, storage }
}

/** Signs up through Better Auth; the sync mirrors the user into Payload before this returns. */
async function signUp(synced: Synced, email: string): Promise<Session> {
  const { headers, response } = await synced.auth.api.signUpEmail({
    body: { email, password: 'correct-horse-battery', name: 'Lou' },
    returnHeaders: true,
  })
  const cookie = cookieOf(headers)
  const value = cookie.slice(cookie.indexOf('=') + 1)
  return { cookie, value, token: response.token as string, userId: response.user.id }
}

/** Another session of the same user (another device, say), as its browser holds it. */
async function signInAgain(synced: Synced, email: string): Promise<Session> {
  const { headers, response } = await synced.auth.api.signInEmail({
    body: { email, password: 'correct-horse-battery' },
    returnHeaders: true,
  })
  const cookie = cookieOf(headers)
  const value = cookie.slice(cookie.indexOf('=') + 1)
  return { cookie, value, token: response.token, userId: response.user.id }
}

/** The tokens Better Auth lists as the user's active sessions (its own sign-out unlists one). */
async function activeTokens(storage: SecondaryStorage, userId: string): Promise<string[]> {
  const list = (await storage.get(`active-sessions-${userId}`)) ?? '[]'
  return (JSON.parse(list) as { token: string }[]).map((session) => session.token)
}

const logout = (app: TestPayload, headers: Record<string, string>): Promise<Response> =>
  app.rest('/users/logout', { method: 'POST', headers })

const me = async (app: TestPayload, cookie: string): Promise<unknown> =>
  ((await (await app.rest('/users/me', { headers: { cookie } })).json()) as { user: unknown }).user

/** The `Set-Cookie` that expires `name` (Max-Age=0 or an Expires in the past), if there is one. */
function expiry(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((value: string) => {
    if (!value.startsWith(`${name}=`)) return false
    const expires = /Expires=([^;]+)/i.exec(value)?.[1]
    return /Max-Age=0\b/i.test(value) || (expires !== undefined && Date.parse(expires) < Date.now())
  })
}

describe('Payload logout with Better Auth answering', () => {
  let server: Server
  let setup: Setup
  /** `<status>` of every sign-out Better Auth served. */
  const signOuts: number[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.endsWith('/sign-out')) res.on('finish', () => signOuts.push(res.statusCode))
      return toNodeHandler(setup.synced.auth)(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    setup = await setUp(EXTERNAL, `http://127.0.0.1:${port}`)
    // Better Auth skips its Origin check under NODE_ENV=test; in production it checks the Origin
    // of every cookie-bearing POST, the sign-out included.
    ;(await setup.synced.auth.$context).skipOriginCheck = false
  })
  afterAll(async () => {
    await setup?.app.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('signs out through Better Auth and passes on its cookie expiries', async () => {
    const { app, synced, storage } = setup
    const { cookie, token, userId } = await signUp(synced, 'answering@example.com')
    expect(await me(app, cookie)).toMatchObject({ email: 'answering@example.com' })
    expect(await storage.get(token)).not.toBeNull()
    expect(await activeTokens(storage, userId)).toContain(token)
    signOuts.length = 0

    // As a browser on the site sends it: Better Auth checks this Origin, the request's own.
    const response = await logout(app, { cookie, origin: EXTERNAL })
    expect(response.status).toBe(200)
    // Better Auth accepted the sign-out (its Origin check included); the fallback did not run.
    expect(signOuts).toEqual([200])
    expect(expiry(response, 'better-auth.session_token')).toBeDefined()
    // Only Better Auth expires this one: the request did not carry it.
    expect(expiry(response, 'better-auth.session_data')).toBeDefined()
    expect(expiry(response, 'payload-token')).toBeDefined() // Payload's own

    expect(await storage.get(token)).toBeNull()
    expect(await activeTokens(storage, userId)).not.toContain(token) // Better Auth's own deletion
    expect(await synced.auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull()
    expect(await me(app, cookie)).toBeNull()
  })

  it('ends sessions Payload accepts but Better Auth does not read (__Secure- on http, Bearer)', async () => {
    const { app, synced, storage } = setup
    const prefixed = await signUp(synced, 'prefixed-answering@example.com')
    const secureCookie = `__Secure-better-auth.session_token=${prefixed.value}`
    expect(await me(app, secureCookie)).toMatchObject({ email: 'prefixed-answering@example.com' })
    const secureResponse = await logout(app, { cookie: secureCookie })
    expect(secureResponse.status).toBe(200)
    expect(expiry(secureResponse, '__Secure-better-auth.session_token')).toMatch(/;\s*Secure/i)
    expect(await storage.get(prefixed.token)).toBeNull()
    expect(await me(app, secureCookie)).toBeNull()

    const bearer = await signUp(synced, 'bearer-answering@example.com')
    const authorization = `Bearer ${decodeURIComponent(bearer.value)}`
    expect(await logout(app, { authorization }).then((r: Response) => r.status)).toBe(200)
    expect(await storage.get(bearer.token)).toBeNull()
  })

  it('?allSessions=true ends every session of the user, through Better Auth', async () => {
    const { app, synced, storage } = setup
    const laptop = await signUp(synced, 'everywhere@example.com')
    const phone = await signInAgain(synced, 'everywhere@example.com')
    const other = await signUp(synced, 'bystander@example.com')
    expect(await me(app, phone.cookie)).toMatchObject({ email: 'everywhere@example.com' })
    signOuts.length = 0

    const response = await app.rest('/users/logout?allSessions=true', {
      method: 'POST',
      headers: { cookie: laptop.cookie, origin: EXTERNAL },
    })
    expect(response.status).toBe(200)
    expect(signOuts).toEqual([200]) // the sign-out after Better Auth's revoke-sessions
    expect(expiry(response, 'better-auth.session_token')).toBeDefined()
    for (const session of [laptop, phone]) {
      expect(await me(app, session.cookie)).toBeNull()
      expect(
        await synced.auth.api.getSession({ headers: new Headers({ cookie: session.cookie }) }),
      ).toBeNull()
    }
    expect(await me(app, other.cookie)).toMatchObject({ email: 'bystander@example.com' })
    expect(await storage.get(other.token)).not.toBeNull()
  })

  it('without ?allSessions, the other sessions stay', async () => {
    const { app, synced } = setup
    const laptop = await signUp(synced, 'one-device@example.com')
    const phone = await signInAgain(synced, 'one-device@example.com')
    const response = await app.rest('/users/logout', {
      method: 'POST',
      headers: { cookie: laptop.cookie, origin: EXTERNAL },
    })
    expect(response.status).toBe(200)
    expect(await me(app, laptop.cookie)).toBeNull()
    expect(await me(app, phone.cookie)).toMatchObject({ email: 'one-device@example.com' })
  })

  it('a foreign Origin ends no session: the cookie is refused before Better Auth is asked', async () => {
    const { app, synced, storage } = setup
    const { cookie, token } = await signUp(synced, 'foreign-origin@example.com')
    signOuts.length = 0

    // The plugin lists the site's origin in Payload's csrf, so Payload reads no user from a cookie
    // sent from elsewhere: nobody to log out, and nothing forwarded to Better Auth.
    const response = await logout(app, { cookie, origin: 'https://evil.example' })
    expect(response.status).toBe(400)
    expect(signOuts).toEqual([])
    expect(await storage.get(token)).not.toBeNull()
    expect(await me(app, cookie)).toMatchObject({ email: 'foreign-origin@example.com' })
  })

  it('a server call without an Origin is refused by Better Auth and ends the session itself', async () => {
    const { app, synced, storage } = setup
    const { cookie, token } = await signUp(synced, 'no-origin@example.com')
    signOuts.length = 0

    const response = await logout(app, { cookie })
    expect(response.status).toBe(200)
    expect(signOuts).toEqual([403]) // no Origin is made up for it
    expect(await storage.get(token)).toBeNull()
    expect(expiry(response, 'better-auth.session_token')).toBeDefined()
    expect(await me(app, cookie)).toBeNull()
  })

  it('a forged session cookie logs nobody out and leaves the real session alone', async () => {
    const { app, synced, storage } = setup
    const { cookie, value, token } = await signUp(synced, 'forged@example.com')
    // The real token under a signature that is not the secret's.
    const forgedValue = encodeURIComponent(`${token}.${'A'.repeat(43)}=`)
    expect(forgedValue).not.toBe(value)
    signOuts.length = 0

    const response = await logout(app, { cookie: `better-auth.session_token=${forgedValue}` })
    expect(response.status).toBe(400) // Payload: no user to log out
    expect(signOuts).toEqual([])
    expect(await storage.get(token)).not.toBeNull()
    expect(await me(app, cookie)).toMatchObject({ email: 'forged@example.com' })
  })
})

describe('Payload logout with Better Auth unreachable', () => {
  const sites: { external: string; secure: boolean }[] = [
    { external: 'https://app.example.com', secure: true },
    { external: EXTERNAL, secure: false },
  ]
  const apps: TestPayload[] = []
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  for (const { external, secure } of sites) {
    it(`deletes the session from the storage and expires the cookies itself (${external})`, async () => {
      const { app, synced, storage } = await setUp(external, NOTHING_LISTENS)
      apps.push(app)
      const plain = await signUp(synced, `plain-${secure}@example.com`)
      const prefixed = await signUp(synced, `prefixed-${secure}@example.com`)
      // The name Better Auth gives its cookie on the site: `__Secure-` behind TLS.
      const name = secure ? '__Secure-better-auth.session_token' : 'better-auth.session_token'
      const cookie = `${name}=${plain.value}`

      const response = await logout(app, { cookie })
      expect(response.status).toBe(200)
      expect(await storage.get(plain.token)).toBeNull()
      const cleared = expiry(response, name)
      expect(cleared).toBeDefined()
      expect(/;\s*Secure/i.test(cleared ?? '')).toBe(secure)
      expect(cleared).toMatch(/Path=\//)
      expect(cleared).toMatch(/HttpOnly/i)
      expect(await me(app, cookie)).toBeNull()
      expect(await storage.get(prefixed.token)).not.toBeNull() // only the one session ends
      if (secure) {
        // Better Auth never reads the un-prefixed name on HTTPS, so it logs nobody in or out.
        const unprefixed = `better-auth.session_token=${prefixed.value}`
        expect(await me(app, unprefixed)).toBeNull()
        expect((await logout(app, { cookie: unprefixed })).status).toBe(400)
        expect(await storage.get(prefixed.token)).not.toBeNull()
      }

      // The HTTPS form of the cookie, as Better Auth names it behind TLS: always expired `Secure`.
      const secureCookie = `__Secure-better-auth.session_token=${prefixed.value}`
      expect(await me(app, secureCookie)).toMatchObject({ email: `prefixed-${secure}@example.com` })
      const secureResponse = await logout(app, { cookie: secureCookie })
      expect(secureResponse.status).toBe(200)
      expect(await storage.get(prefixed.token)).toBeNull()
      expect(expiry(secureResponse, '__Secure-better-auth.session_token')).toMatch(/;\s*Secure/i)
    })
  }

  it('?allSessions=true ends every session of the user in the storage itself', async () => {
    const { app, synced } = await setUp(EXTERNAL, NOTHING_LISTENS)
    apps.push(app)
    const laptop = await signUp(synced, 'everywhere-offline@example.com')
    const phone = await signInAgain(synced, 'everywhere-offline@example.com')
    const other = await signUp(synced, 'bystander-offline@example.com')
    const response = await app.rest('/users/logout?allSessions=true', {
      method: 'POST',
      headers: { cookie: laptop.cookie },
    })
    expect(response.status).toBe(200)
    for (const session of [laptop, phone]) {
      expect(await me(app, session.cookie)).toBeNull()
      // Better Auth honours the same mark when it reads the session again.
      expect(
        await synced.auth.api.getSession({ headers: new Headers({ cookie: session.cookie }) }),
      ).toBeNull()
    }
    expect(await me(app, other.cookie)).toMatchObject({ email: 'bystander-offline@example.com' })
  })

  it('finds a renamed session cookie among the other Better Auth cookies', async () => {
    const { app, synced, storage } = await setUp(EXTERNAL, NOTHING_LISTENS, 'app.session')
    apps.push(app)
    const { value, token } = await signUp(synced, 'renamed@example.com')
    // Better Auth's cookie cache sits next to the session cookie, under the default prefix.
    const cookie = `better-auth.session_data=cached; app.session=${value}`
    expect(await me(app, cookie)).toMatchObject({ email: 'renamed@example.com' })
    expect((await logout(app, { cookie })).status).toBe(200)
    expect(await storage.get(token)).toBeNull()
    expect(await me(app, cookie)).toBeNull()
  })
})
