import { randomUUID } from 'node:crypto'
import { apiKey } from '@better-auth/api-key'
import { base32 } from '@better-auth/utils/base32'
import { createOTP } from '@better-auth/utils/otp'
import type { BetterAuthOptions } from 'better-auth'
import { admin, organization, twoFactor } from 'better-auth/plugins'
import type { CollectionConfig, Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TEST_BETTER_AUTH_SECRET } from './helpers/betterAuth.ts'
import { type DatabaseKind, describeEachDatabase } from './helpers/databases.ts'
import { browserHeaders } from './helpers/payload.ts'
import { startSharedApp } from './helpers/sharedApp.ts'

// The shared-database topology end to end: Better Auth with email/password, two-factor, admin, API
// keys and organizations (with teams) keeps every model in Payload collections of one database,
// and Payload authenticates its requests from Better Auth's sessions.

const password = 'correct-horse-battery-staple'

function authOptions(storeSessionInDatabase: boolean) {
  return {
    appName: 'Shared database',
    baseURL: 'http://localhost:3000',
    secret: TEST_BETTER_AUTH_SECRET,
    emailAndPassword: { enabled: true },
    user: { modelName: 'users' },
    session: { storeSessionInDatabase },
    advanced: { database: { generateId: 'serial' } },
    logger: { disabled: true },
    plugins: [twoFactor(), admin(), apiKey(), organization({ teams: { enabled: true } })],
  } satisfies BetterAuthOptions
}

const users: CollectionConfig = {
  slug: 'users',
  auth: true,
  admin: { useAsTitle: 'email' },
  fields: [],
}

const start = (kind: DatabaseKind, storeSessionInDatabase: boolean) =>
  startSharedApp(kind, { users, authOptions: authOptions(storeSessionInDatabase) })

type App = Awaited<ReturnType<typeof start>>

/** The cookies a browser would send back after a response with these Set-Cookie headers. */
function cookiesFrom(headers: Headers, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => pair.split('=', 2) as [string, string]),
  )
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(';')
    const [name, value] = (pair ?? '').split('=', 2) as [string, string]
    if (/max-age=0/i.test(line)) jar.delete(name)
    else jar.set(name, value)
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

async function payloadUser(payload: Payload, cookie: string) {
  const { user } = await payload.auth({ headers: browserHeaders({ cookie }) })
  return user
}

for (const storeSessionInDatabase of [false, true]) {
  describeEachDatabase(
    `shared database (storeSessionInDatabase: ${storeSessionInDatabase})`,
    (kind) => {
      let app: App
      beforeAll(async () => {
        app = await start(kind, storeSessionInDatabase)
      }, 60_000)
      afterAll(() => app?.close())

      it('signs up, turns on TOTP, signs in with it, creates an API key and an organization', async () => {
        const { auth, payload, storage } = app
        const email = `ada-${randomUUID().slice(0, 8)}@example.com`

        // Sign-up: the user *is* a document of the app's users collection.
        const signUp = await auth.api.signUpEmail({
          body: { email, password, name: 'Ada' },
          returnHeaders: true,
        })
        let cookie = cookiesFrom(signUp.headers)
        const userId = signUp.response.user.id
        const stored = await payload.findByID({ collection: 'users', id: userId, depth: 0 })
        expect(stored).toMatchObject({ email, name: 'Ada', emailVerified: false })
        const accounts = await payload.find({
          collection: 'account',
          where: { userId: { equals: userId } },
          depth: 0,
        })
        expect(accounts.docs).toHaveLength(1)
        expect(accounts.docs[0]).toMatchObject({ providerId: 'credential' })
        expect(String(accounts.docs[0]?.password)).not.toContain(password)

        // Sessions live in the storage (and in the database only when asked for).
        const token = signUp.response.token as string
        expect(await storage.get(token)).not.toBeNull()
        const sessionRows = await payload.count({ collection: 'session' as 'users' })
        expect(sessionRows.totalDocs).toBe(storeSessionInDatabase ? 1 : 0)
        expect((await payloadUser(payload, cookie))?.id).toBe(stored.id)

        // Two-factor on.
        const headers = () => browserHeaders({ cookie })
        const enabled = await auth.api.enableTwoFactor({ body: { password }, headers: headers() })
        if (!('totpURI' in enabled)) throw new Error('TOTP was not offered')
        const secret = base32.decode(new URL(enabled.totpURI).searchParams.get('secret') ?? '')
        const totp = () => createOTP(secret, { digits: 6, period: 30 }).totp()
        const verified = await auth.api.verifyTOTP({
          body: { code: await totp() },
          headers: headers(),
          returnHeaders: true,
        })
        cookie = cookiesFrom(verified.headers, cookie)
        const afterTotp = await payload.findByID({ collection: 'users', id: userId, depth: 0 })
        expect(afterTotp).toMatchObject({ twoFactorEnabled: true })
        const secrets = await payload.find({ collection: 'twoFactor' as 'users', depth: 0 })
        expect(secrets.docs).toHaveLength(1)

        // Sign out: Payload no longer knows the session.
        await auth.api.signOut({ headers: headers() })
        expect(await payloadUser(payload, cookie)).toBeNull()

        // Sign in: the password alone is not enough, a wrong code is refused, the right one works.
        const first = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true })
        expect(first.response).toMatchObject({ twoFactorRedirect: true })
        const pending = cookiesFrom(first.headers)
        expect(await payloadUser(payload, pending)).toBeNull()
        const right = await totp()
        const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
        await expect(
          auth.api.verifyTOTP({ body: { code: wrong }, headers: new Headers({ cookie: pending }) }),
        ).rejects.toThrow()
        const second = await auth.api.verifyTOTP({
          body: { code: right },
          headers: new Headers({ cookie: pending }),
          returnHeaders: true,
        })
        cookie = cookiesFrom(second.headers, pending)
        expect((await payloadUser(payload, cookie))?.id).toBe(stored.id)
        // The same live session under a signature not made with the secret authenticates nobody.
        const forged = cookie.replace(/(session_token=[^;.]+)\.[^;]*/, '$1.Zm9yZ2Vk')
        expect(forged).not.toBe(cookie)
        expect(await payloadUser(payload, forged)).toBeNull()

        // API key: created for the user, verified, stored in its collection.
        const key = await auth.api.createApiKey({ body: { name: 'ci' }, headers: headers() })
        expect(key.key).toEqual(expect.any(String))
        const check = await auth.api.verifyApiKey({ body: { key: key.key } })
        expect(check).toMatchObject({ valid: true, key: { referenceId: String(userId) } })
        expect((await auth.api.verifyApiKey({ body: { key: `${key.key}x` } })).valid).toBe(false)
        const keys = await payload.find({ collection: 'apikey' as 'users', depth: 0 })
        expect(keys.docs).toHaveLength(1)
        expect(JSON.stringify(keys.docs[0])).not.toContain(key.key)

        // Organization with a team: owner membership and team in their collections.
        const org = await auth.api.createOrganization({
          body: { name: 'Analytical Engines', slug: `engines-${randomUUID().slice(0, 8)}` },
          headers: headers(),
        })
        expect(org).toMatchObject({ name: 'Analytical Engines' })
        const team = await auth.api.createTeam({
          body: { name: 'Mill', organizationId: String(org?.id) },
          headers: headers(),
        })
        expect(team).toMatchObject({ name: 'Mill' })
        const members = await payload.find({
          collection: 'member' as 'users',
          where: { organizationId: { equals: org?.id } },
          depth: 0,
        })
        expect(members.docs).toEqual([
          expect.objectContaining({ userId: stored.id, role: 'owner' }),
        ])
        const listed = await auth.api.listOrganizations({ headers: headers() })
        expect(listed.map((o) => o.id)).toEqual([org?.id])
      })

      it('admin: lists users through the adapter, and a ban ends the Payload session at once', async () => {
        const { auth, payload } = app
        const adminEmail = `admin-${randomUUID().slice(0, 8)}@example.com`
        const created = await auth.api.signUpEmail({
          body: { email: adminEmail, password, name: 'Admin' },
        })
        // Made an admin in Better Auth (Payload refuses to write its user model's fields); the next
        // session carries the role.
        await (await auth.$context).internalAdapter.updateUser(String(created.user.id), {
          role: 'admin',
        })
        const signedIn = await auth.api.signInEmail({
          body: { email: adminEmail, password },
          returnHeaders: true,
        })
        const adminCookie = cookiesFrom(signedIn.headers)
        const victim = await auth.api.signUpEmail({
          body: { email: `grace-${randomUUID().slice(0, 8)}@example.com`, password, name: 'Grace' },
          returnHeaders: true,
        })
        const victimCookie = cookiesFrom(victim.headers)
        expect(await payloadUser(payload, victimCookie)).not.toBeNull()

        const list = await auth.api.listUsers({
          query: { searchField: 'name', searchValue: 'Grace', searchOperator: 'contains' },
          headers: new Headers({ cookie: adminCookie }),
        })
        expect(list.users.map((user) => user.email)).toEqual([victim.response.user.email])
        // Search is exact about case: "grace" is not "Grace".
        const lower = await auth.api.listUsers({
          query: { searchField: 'name', searchValue: 'grace', searchOperator: 'contains' },
          headers: new Headers({ cookie: adminCookie }),
        })
        expect(lower.users).toHaveLength(0)

        await auth.api.banUser({
          body: { userId: victim.response.user.id },
          headers: new Headers({ cookie: adminCookie }),
        })
        expect(await payloadUser(payload, victimCookie)).toBeNull()
        const banned = await payload.findByID({
          collection: 'users',
          id: victim.response.user.id,
          depth: 0,
        })
        expect(banned).toMatchObject({ banned: true })
      })

      it("keeps Better Auth's collections closed to every request, signed in or not", async () => {
        const { payload } = app
        const [user] = (await payload.find({ collection: 'users', limit: 1, depth: 0 })).docs
        expect(user).toBeDefined()
        for (const collection of ['account', 'twoFactor', 'apikey', 'member', 'organization']) {
          for (const who of [undefined, { ...user, collection: 'users' }]) {
            await expect(
              payload.find({
                collection: collection as 'users',
                overrideAccess: false,
                user: who as never,
              }),
            ).rejects.toMatchObject({ status: 403 })
          }
        }
      })
    },
  )
}
