import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from 'better-auth/node'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPayload, type TestPayload } from './helpers/payload.ts'
import { cookieOf, createSyncedAuth } from './helpers/syncedAuth.ts'

// Payload's logout (`POST /api/users/logout`) ends the Better Auth session as well: through Better
// Auth's own sign-out when it answers, by deleting the session from the storage when it does not.
// Either way the browser's Better Auth cookies are expired, `Secure` where they need it.

const usersCollection = {
  slug: 'users',
  fields: [{ name: 'email', type: 'email' as const, required: true }],
}
const EXTERNAL = 'http://localhost:3000' // Better Auth's baseURL in createSyncedAuth
const NOTHING_LISTENS = 'http://127.0.0.1:9'

type Synced = Awaited<ReturnType<typeof createSyncedAuth>>

/** Payload + Better Auth sharing a memory storage; Payload reaches Better Auth at `internal`. */
async function setUp(externalBaseURL: string, internalBaseURL: string) {
  const storage = createMemoryStorage()
  const eventBus = createMemoryEventBus()
  const app = await startPayload('sqlite', {
    plugin: {
      storage,
      eventBus,
      betterAuthClientOptions: { externalBaseURL, internalBaseURL },
    },
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

async function signUp(synced: Synced, email: string) {
  const { headers, response } = await synced.auth.api.signUpEmail({
    body: { email, password: 'correct-horse-battery', name: 'Lou' },
    returnHeaders: true,
  })
  const cookie = cookieOf(headers)
  return { cookie, value: cookie.slice(cookie.indexOf('=') + 1), token: response.token as string }
}

const logout = (app: TestPayload, cookie: string) =>
  app.rest('/users/logout', { method: 'POST', headers: { cookie } })

const me = async (app: TestPayload, cookie: string) =>
  ((await (await app.rest('/users/me', { headers: { cookie } })).json()) as { user: unknown }).user

/** The `Set-Cookie` that expires `name` (Max-Age=0 or an Expires in the past), if there is one. */
function expiry(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((value) => {
    if (!value.startsWith(`${name}=`)) return false
    const expires = /Expires=([^;]+)/i.exec(value)?.[1]
    return /Max-Age=0\b/i.test(value) || (expires !== undefined && Date.parse(expires) < Date.now())
  })
}

describe('Payload logout with Better Auth answering', () => {
  let server: Server
  let app: TestPayload
  let synced: Synced
  let storage: SecondaryStorage

  beforeAll(async () => {
    server = createServer((req, res) => toNodeHandler(synced.auth)(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    ;({ app, synced, storage } = await setUp(EXTERNAL, `http://127.0.0.1:${port}`))
  })
  afterAll(async () => {
    await app?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('signs out of Better Auth and passes on its cookie expiries', async () => {
    const { cookie, token } = await signUp(synced, 'answering@example.com')
    expect(await me(app, cookie)).toMatchObject({ email: 'answering@example.com' })
    expect(await storage.get(token)).not.toBeNull()

    const response = await logout(app, cookie)
    expect(response.status).toBe(200)
    expect(expiry(response, 'better-auth.session_token')).toBeDefined()
    // Payload's own cookie is expired as well.
    expect(expiry(response, 'payload-token')).toBeDefined()

    expect(await storage.get(token)).toBeNull()
    expect(await synced.auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull()
    expect(await me(app, cookie)).toBeNull()
  })

  it('a forged session cookie logs nobody out and leaves the real session alone', async () => {
    const { value, token } = await signUp(synced, 'forged@example.com')
    const forged = `better-auth.session_token=${encodeURIComponent(`${token}.${'A'.repeat(43)}=`)}`
    expect(decodeURIComponent(value)).not.toBe(decodeURIComponent(forged.split('=')[1] ?? ''))

    const response = await logout(app, forged)
    expect(response.status).toBe(400) // Payload: no user to log out
    expect(await storage.get(token)).not.toBeNull()
  })
})

describe('Payload logout with Better Auth unreachable', () => {
  const sites = [
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

      const response = await logout(app, plain.cookie)
      expect(response.status).toBe(200)
      expect(await storage.get(plain.token)).toBeNull()
      const cleared = expiry(response, 'better-auth.session_token')
      expect(cleared).toBeDefined()
      expect(/;\s*Secure/i.test(cleared ?? '')).toBe(secure)
      expect(cleared).toMatch(/Path=\//)
      expect(cleared).toMatch(/HttpOnly/i)
      expect(await me(app, plain.cookie)).toBeNull()

      // The HTTPS form of the cookie, as Better Auth names it behind TLS: always expired `Secure`.
      const secureCookie = `__Secure-better-auth.session_token=${prefixed.value}`
      expect(await me(app, secureCookie)).toMatchObject({ email: `prefixed-${secure}@example.com` })
      const secureResponse = await logout(app, secureCookie)
      expect(secureResponse.status).toBe(200)
      expect(await storage.get(prefixed.token)).toBeNull()
      expect(expiry(secureResponse, '__Secure-better-auth.session_token')).toMatch(/;\s*Secure/i)
    })
  }
})
