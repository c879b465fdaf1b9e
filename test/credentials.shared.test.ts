import type { BetterAuthOptions } from 'better-auth'
import type { CollectionConfig } from 'payload'
import { expect, it } from 'vitest'
import { TEST_BETTER_AUTH_SECRET } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { sleep } from './helpers/eventually.ts'
import { startSharedApp } from './helpers/sharedApp.ts'

// The credentials of the shared-database topology: Payload reads Better Auth's rules from the same
// options Better Auth is given (no publishing), slides sessions through Better Auth, with the
// session row in the database too, and honours the cookie cache.

const SITE = 'http://localhost:3000'

const authOptions = {
  baseURL: SITE,
  secret: TEST_BETTER_AUTH_SECRET,
  emailAndPassword: { enabled: true },
  user: { modelName: 'users' },
  advanced: { database: { generateId: 'serial' } },
  session: {
    storeSessionInDatabase: true,
    expiresIn: 20,
    updateAge: 5,
    cookieCache: { enabled: true, maxAge: 3 },
  },
  logger: { disabled: true },
} satisfies BetterAuthOptions

const users: CollectionConfig = { slug: 'users', auth: true, fields: [] }

const pairs = (headers: Headers) =>
  headers
    .getSetCookie()
    .filter((set) => !/max-age=0/i.test(set))
    .map((set) => set.split(';')[0] as string)

describeEachDatabase('credentials in the shared-database topology', (kind) => {
  it('slides a due session in the storage and the database, and honours the cookie cache', async () => {
    const app = await startSharedApp(kind, { users, authOptions, serve: true })
    try {
      const { headers, response } = await app.auth.api.signUpEmail({
        body: { email: `shared-${kind}@example.com`, password: 'correct-horse-battery', name: 'S' },
        returnHeaders: true,
      })
      const cookies = pairs(headers)
      const token = cookies.find((pair) => pair.includes('.session_token=')) as string
      expect(cookies.some((pair) => pair.includes('.session_data='))).toBe(true)
      const me = async (cookie: string) => {
        const answer = await app.rest('/users/me', { headers: { cookie, origin: SITE } })
        const body = (await answer.clone().json()) as { user: { email: string } | null }
        return { email: body.user?.email ?? null, answer }
      }
      const sessionRow = async () =>
        (await app.auth.$context).adapter.findOne<{ expiresAt: Date }>({
          model: 'session',
          where: [{ field: 'token', value: response.token as string }],
        })
      const expiresBefore = new Date((await sessionRow())?.expiresAt as Date).getTime()

      // Due (updateAge 5 s passed; the cache, 3 s, is stale): Payload has Better Auth slide it.
      await sleep(5_200)
      const slid = await me(token)
      expect(slid.email).toBe(`shared-${kind}@example.com`)
      const refreshed = slid.answer.headers
        .getSetCookie()
        .find((set) => set.includes('.session_token='))
      expect(refreshed).toMatch(/Max-Age=20/i)
      const expiresAfter = new Date((await sessionRow())?.expiresAt as Date).getTime()
      expect(expiresAfter).toBeGreaterThan(expiresBefore + 4_000)

      // A fresh cache authenticates a session the storage no longer has, until it is maxAge old.
      const fresh = pairs(slid.answer.headers)
      const cached = [token, ...fresh.filter((pair) => pair.includes('.session_data='))].join('; ')
      expect(cached).toContain('.session_data=')
      await app.auth.api.signOut({ headers: new Headers({ cookie: token }) })
      expect((await me(token)).email).toBeNull()
      expect((await me(cached)).email).toBe(`shared-${kind}@example.com`)
      await sleep(3_200)
      expect((await me(cached)).email).toBeNull()
    } finally {
      await app.close()
    }
  }, 30_000)
})
