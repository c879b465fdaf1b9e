import { createHmac, randomBytes } from 'node:crypto'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { revokedSessionsBeforeKey } from '../src/shared/keys.ts'
import {
  createTestAuth,
  signUp,
  TEST_BETTER_AUTH_SECRET,
  type TestAuth,
} from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import {
  browserHeaders,
  startPayload,
  syncCreate,
  type TestPayload,
  withPayload,
} from './helpers/payload.ts'

// The `better-auth` strategy on a real Payload, with sessions written by a real Better Auth 1.7
// into the shared storage. Every rejection case starts from a session that does authenticate.

/** Counts the storage reads, to prove a bad cookie never reaches the store. */
function countingStorage(inner: SecondaryStorage) {
  const reads: string[] = []
  const storage: SecondaryStorage = {
    ...inner,
    get: (key) => {
      reads.push(key)
      return inner.get(key)
    },
  }
  return { storage, reads }
}

const sign = (value: string, secret = TEST_BETTER_AUTH_SECRET) =>
  encodeURIComponent(`${value}.${createHmac('sha256', secret).update(value).digest('base64')}`)

describeEachDatabase('betterAuth strategy', (kind) => {
  const memory = createMemoryStorage()
  const { storage, reads } = countingStorage(memory)
  let app: TestPayload
  let auth: TestAuth

  /** A signed-up Better Auth user mirrored into Payload, with a live session cookie. */
  async function mirroredUser(label: string) {
    const session = await signUp(auth, `${label}-${randomBytes(4).toString('hex')}@example.com`)
    const doc = await syncCreate(app.payload, 'users', {
      email: session.email,
      baUserId: session.userId,
      favouriteColour: 'teal',
    })
    return { ...session, doc }
  }
  const authenticate = (headers: Record<string, string>) =>
    app.payload.auth({ headers: browserHeaders(headers) }).then((result) => result.user)

  beforeAll(async () => {
    app = await startPayload(kind, {
      plugin: { storage, eventBus: createMemoryEventBus() },
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'name', type: 'text' },
            { name: 'favouriteColour', type: 'text' },
          ],
          access: { read: ({ req }) => Boolean(req.user) },
        },
      ],
    })
    auth = await createTestAuth(storage)
  })
  afterAll(() => app?.close())

  it('authenticates payload.auth() from the session cookie Better Auth set', async () => {
    const { cookie, userId } = await mirroredUser('cookie')
    const user = await authenticate({ cookie })
    expect(user).toMatchObject({
      baUserId: userId,
      favouriteColour: 'teal',
      collection: 'users',
      _strategy: 'better-auth',
    })
  })

  it('authenticates GET /api/users/me', async () => {
    const { cookie, email } = await mirroredUser('rest')
    const response = await app.rest('/users/me', { headers: { cookie } })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { user: { email: string }; strategy: string }
    expect(body.user.email).toBe(email)
    expect(body.strategy).toBe('better-auth')

    const anonymous = (await (await app.rest('/users/me')).json()) as { user: unknown }
    expect(anonymous.user).toBeNull()
  })

  it('accepts the __Secure- cookie (HTTPS) and a signed Bearer token', async () => {
    const { cookie, email } = await mirroredUser('secure')
    const value = cookie.slice(cookie.indexOf('=') + 1)
    expect(
      (await authenticate({ cookie: `__Secure-better-auth.session_token=${value}` }))?.email,
    ).toBe(email)
    expect((await authenticate({ authorization: `Bearer ${value}` }))?.email).toBe(email)
    expect(
      (await authenticate({ authorization: `Bearer ${decodeURIComponent(value)}` }))?.email,
    ).toBe(email)
  })

  it('ignores a cookie whose signature does not verify, before any storage read', async () => {
    const { cookie, token } = await mirroredUser('tampered')
    reads.length = 0
    const tampered = `better-auth.session_token=${sign(token, 'another-secret-0123456789abcdef0123')}`
    expect(await authenticate({ cookie: tampered })).toBeNull()
    // Alter the signature's first character (all six of its bits are data; the last character's
    // low bits are padding a decoder ignores), to one that differs in its high bits.
    const [name, value] = cookie.split('=') as [string, string]
    const dot = value.indexOf('.')
    const first = value[dot + 1]
    const flipped = `${name}=${value.slice(0, dot + 1)}${first === 'A' ? 'Q' : 'A'}${value.slice(dot + 2)}`
    expect(flipped).not.toBe(cookie)
    expect(await authenticate({ cookie: flipped })).toBeNull()
    expect(await authenticate({ authorization: `Bearer ${token}.${'A'.repeat(43)}=` })).toBeNull()
    expect(reads).toEqual([])
  })

  it('ignores an unsigned token, as cookie or Bearer', async () => {
    const { token } = await mirroredUser('unsigned')
    reads.length = 0
    expect(await authenticate({ cookie: `better-auth.session_token=${token}` })).toBeNull()
    expect(await authenticate({ authorization: `Bearer ${token}` })).toBeNull()
    expect(reads).toEqual([])
  })

  it('authenticates nobody with a well-signed token the storage does not know', async () => {
    const unknown = randomBytes(24).toString('base64url')
    expect(await authenticate({ cookie: `better-auth.session_token=${sign(unknown)}` })).toBeNull()
  })

  it('authenticates nobody once the session has expired', async () => {
    const { cookie, token } = await mirroredUser('expired')
    const stored = JSON.parse((await memory.get(token)) as string)
    stored.session.expiresAt = new Date(Date.now() - 1_000).toISOString()
    // Still in the store (its TTL not yet run out), but past its expiry.
    await memory.set(token, JSON.stringify(stored), 60)
    expect(await authenticate({ cookie })).toBeNull()
  })

  it('authenticates nobody for a session created before revoked-sessions-before-<userId>', async () => {
    const { cookie, userId } = await mirroredUser('revoked')
    expect(await authenticate({ cookie })).not.toBeNull()
    await memory.set(revokedSessionsBeforeKey(userId), String(Date.now() + 1), 3600)
    expect(await authenticate({ cookie })).toBeNull()
  })

  it('authenticates nobody after Better Auth revokes the sessions or signs out', async () => {
    const first = await mirroredUser('revoke-api')
    await auth.api.revokeSessions({ headers: new Headers({ cookie: first.cookie }) })
    expect(await authenticate({ cookie: first.cookie })).toBeNull()

    const second = await mirroredUser('sign-out')
    await auth.api.signOut({ headers: new Headers({ cookie: second.cookie }) })
    expect(await authenticate({ cookie: second.cookie })).toBeNull()
  })

  it('authenticates nobody for a banned user, until the ban runs out', async () => {
    const { cookie, token } = await mirroredUser('banned')
    const stored = JSON.parse((await memory.get(token)) as string)
    stored.user.banned = true
    await memory.set(token, JSON.stringify(stored), 60)
    expect(await authenticate({ cookie })).toBeNull()
    stored.user.banExpires = new Date(Date.now() - 1_000).toISOString()
    await memory.set(token, JSON.stringify(stored), 60)
    expect(await authenticate({ cookie })).not.toBeNull()
  })

  it('authenticates nobody once the user is deleted in Payload', async () => {
    const { cookie, doc } = await mirroredUser('deleted')
    expect(await authenticate({ cookie })).not.toBeNull()
    await app.payload.delete({ collection: 'users', id: doc.id })
    expect(await authenticate({ cookie })).toBeNull()
  })

  it('authenticates nobody with a stored value that is not a Better Auth session', async () => {
    const token = randomBytes(24).toString('base64url')
    await memory.set(token, '{"not":"a session"}', 60)
    expect(await authenticate({ cookie: `better-auth.session_token=${sign(token)}` })).toBeNull()
    await memory.set(token, 'not json', 60)
    expect(await authenticate({ cookie: `better-auth.session_token=${sign(token)}` })).toBeNull()
  })
})

describe('betterAuth strategy with the storage unreachable', () => {
  it('fails closed without crashing, logging once per interval, and recovers', async () => {
    const memory = createMemoryStorage()
    let down = false
    const flaky: SecondaryStorage = {
      ...memory,
      get: async (key) => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379')
        return memory.get(key)
      },
    }
    await withPayload(
      'sqlite',
      {
        plugin: { storage: flaky, eventBus: createMemoryEventBus() },
      },
      async (app) => {
        const auth = await createTestAuth(memory)
        const { cookie, userId, email } = await signUp(auth, 'outage@example.com')
        await syncCreate(app.payload, 'users', { email, baUserId: userId })
        const headers = browserHeaders({ cookie })
        expect((await app.payload.auth({ headers })).user?.email).toBe(email)

        const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
        down = true
        for (let i = 0; i < 5; i++) expect((await app.payload.auth({ headers })).user).toBeNull()
        const me = await app.rest('/users/me', { headers: { cookie } })
        expect(me.status).toBe(200)
        expect(((await me.json()) as { user: unknown }).user).toBeNull()
        const outageLines = logged.mock.calls.filter((call) =>
          String(call[0]).includes('unreachable'),
        )
        expect(outageLines).toHaveLength(1)
        logged.mockRestore()

        down = false
        expect((await app.payload.auth({ headers })).user?.email).toBe(email)
      },
    )
  })
})
