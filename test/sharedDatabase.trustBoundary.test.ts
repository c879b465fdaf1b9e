import { randomUUID } from 'node:crypto'
import { configToSchema } from '@payloadcms/graphql'
import type { BetterAuthOptions } from 'better-auth'
import { admin, organization, twoFactor } from 'better-auth/plugins'
// The CommonJS build: the one @payloadcms/graphql (loaded by Node, not Vite) builds its schema with.
import { graphql } from 'graphql/index.js'
import { type Access, type CollectionConfig, createPayloadRequest, type Payload } from 'payload'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { revokedSessionsBeforeKey } from '../src/shared/keys.ts'
import { TEST_BETTER_AUTH_SECRET } from './helpers/betterAuth.ts'
import { type DatabaseKind, describeEachDatabase } from './helpers/databases.ts'
import { startSharedApp } from './helpers/sharedApp.ts'

// The shared-database topology's trust boundary, tried as an attacker would: anyone may sign up,
// and a signed-up user is a Payload user. They must not change what Better Auth decides with
// (role, ban, email...) through any Payload path, read or delete other users, make users, or open
// the admin panel; Better Auth's own API still changes those fields, and a ban made there ends the
// user's Payload session.

const password = 'correct-horse-battery-staple'
const origin = 'http://localhost:3000'

const authOptions = {
  appName: 'Trust boundary',
  baseURL: origin,
  secret: TEST_BETTER_AUTH_SECRET,
  emailAndPassword: { enabled: true },
  user: { modelName: 'users' },
  advanced: { database: { generateId: 'serial' } },
  logger: { disabled: true },
  plugins: [twoFactor(), admin(), organization()],
} satisfies BetterAuthOptions

const signedIn: Access = ({ req }) => Boolean(req.user)

/**
 * Two users collections: the minimal one (every rule left to the defaults), and one whose app
 * wrote Payload's own "any signed-in user" rules (the README's example), so that only the
 * field-ownership hooks stand between an attacker and a victim's email.
 */
const variants = {
  defaults: { slug: 'users', auth: true, fields: [{ name: 'bio', type: 'text' }] },
  'app grants any signed-in user': {
    slug: 'users',
    auth: true,
    access: { read: signedIn, update: signedIn },
    fields: [{ name: 'bio', type: 'text' }],
  },
} satisfies Record<string, CollectionConfig>

async function start(kind: DatabaseKind, users: CollectionConfig) {
  const app = await startSharedApp(kind, { users, authOptions })
  const { payload, auth, storage, config, key } = app
  const { schema } = configToSchema(payload.config)
  /** A request from the user's own browser tab: same-origin, with their session cookie. */
  const browserHeaders = (cookie: string, extra: Record<string, string> = {}) => ({
    cookie,
    origin,
    'sec-fetch-site': 'same-origin',
    ...extra,
  })
  return {
    payload,
    auth,
    storage,
    /** Payload's REST API, as Next.js serves it. */
    rest: (path: string, cookie: string, init: RequestInit = {}) =>
      app.rest(path, {
        ...init,
        headers: browserHeaders(cookie, init.headers as Record<string, string>),
      }),
    /** Payload's GraphQL schema and resolvers, on a request authenticated as Next.js would. */
    async graphql(source: string, variables: Record<string, unknown>, cookie: string) {
      const req = await createPayloadRequest({
        config,
        payloadInstanceCacheKey: key,
        request: new Request(`${origin}/api/graphql`, {
          method: 'POST',
          headers: browserHeaders(cookie),
        }),
      })
      return graphql({
        schema,
        source,
        variableValues: variables,
        contextValue: { req, headers: {} },
      })
    },
    close: app.close,
  }
}

type App = Awaited<ReturnType<typeof start>>

/** Better Auth's session cookie from a response, as the browser sends it back. */
function sessionCookie(response: Response): string {
  const line = response.headers.getSetCookie().find((l) => l.includes('session_token='))
  if (!line) throw new Error(`no session cookie (status ${response.status})`)
  return line.split(';')[0] as string
}

/** A public sign-up through Better Auth's own endpoint, as anyone on the internet can make. */
async function signUp(app: App, name: string) {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`
  const response = await app.auth.handler(
    new Request(`${origin}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email, password, name }),
    }),
  )
  expect(response.status).toBe(200)
  const { user } = (await response.json()) as { user: { id: string } }
  // Better Auth hands serial ids out as strings; Payload's are numbers.
  return { id: Number(user.id), email, cookie: sessionCookie(response) }
}

async function signIn(app: App, email: string) {
  const response = await app.auth.handler(
    new Request(`${origin}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email, password }),
    }),
  )
  expect(response.status).toBe(200)
  return sessionCookie(response)
}

/** The user's row as stored, read past every access rule. */
const stored = (payload: Payload, id: number) =>
  payload.findByID({ collection: 'users', id, depth: 0 }) as Promise<Record<string, unknown>>

/** What Better Auth decides with: none of it may move after an attack. */
const identity = (row: Record<string, unknown>) => ({
  email: row.email,
  name: row.name,
  role: row.role ?? null,
  banned: row.banned ?? null,
  emailVerified: row.emailVerified,
  twoFactorEnabled: row.twoFactorEnabled ?? null,
})

async function expectRefused(response: Response, ...mentions: RegExp[]) {
  expect(response.status).toBeGreaterThanOrEqual(400)
  expect(response.status).toBeLessThan(500)
  const { errors } = (await response.json()) as { errors?: Array<{ message: string }> }
  const message = errors?.map((error) => error.message).join(' ') ?? ''
  for (const mention of mentions) expect(message).toMatch(mention)
}

const patch = (body: unknown) => ({
  method: 'PATCH',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

for (const [variant, users] of Object.entries(variants)) {
  const defaults = variant === 'defaults'
  describeEachDatabase(`shared database trust boundary (${variant})`, (kind) => {
    let app: App
    let attacker: Awaited<ReturnType<typeof signUp>>
    let victim: Awaited<ReturnType<typeof signUp>>
    let adminCookie: string
    beforeAll(async () => {
      app = await start(kind, users)
      attacker = await signUp(app, 'Mallory')
      victim = await signUp(app, 'Victor')
      // The first admin, made the way Better Auth makes users on the server: no session needed.
      const adminEmail = `admin-${randomUUID().slice(0, 8)}@example.com`
      await app.auth.api.createUser({
        body: { email: adminEmail, password, name: 'Admin', role: 'admin' },
      })
      adminCookie = await signIn(app, adminEmail)
    }, 60_000)
    afterAll(() => app?.close())
    afterEach(() => vi.restoreAllMocks())

    it("REST: a signed-up user cannot change their own role, email or ban, nor a victim's email", async () => {
      const before = identity(await stored(app.payload, attacker.id))
      const victimBefore = identity(await stored(app.payload, victim.id))
      const self = `/users/${attacker.id}`
      await expectRefused(
        await app.rest(self, attacker.cookie, patch({ role: 'admin' })),
        /"role"/,
        /auth\.api\.setRole/,
      )
      await expectRefused(
        await app.rest(self, attacker.cookie, patch({ email: 'mallory@evil.example' })),
        /"email"/,
        /auth\.api\.changeEmail/,
      )
      await expectRefused(
        await app.rest(self, attacker.cookie, patch({ banned: true, emailVerified: true })),
        /"emailVerified", "banned"/,
      )
      // A victim's email (then a password reset would sign the attacker in as the victim).
      const victimPatch = await app.rest(
        `/users/${victim.id}`,
        attacker.cookie,
        patch({ email: 'mallory+victim@evil.example' }),
      )
      if (defaults) await expectRefused(victimPatch)
      else await expectRefused(victimPatch, /"email"/, /auth\.api\.changeEmail/)

      expect(identity(await stored(app.payload, attacker.id))).toEqual(before)
      expect(identity(await stored(app.payload, victim.id))).toEqual(victimBefore)
      // Better Auth agrees: the attacker is no admin.
      await expect(
        app.auth.api.listUsers({ query: {}, headers: new Headers({ cookie: attacker.cookie }) }),
      ).rejects.toMatchObject({ statusCode: 403 })
      // The app's own fields stay the user's to edit; another user's only if the app says so.
      const bio = await app.rest(self, attacker.cookie, patch({ bio: 'hello' }))
      expect(bio.status).toBe(200)
      expect((await stored(app.payload, attacker.id)).bio).toBe('hello')
      const victimBio = await app.rest(
        `/users/${victim.id}`,
        attacker.cookie,
        patch({ bio: 'defaced' }),
      )
      if (defaults) {
        await expectRefused(victimBio)
        expect((await stored(app.payload, victim.id)).bio ?? null).toBeNull()
      } else {
        expect(victimBio.status).toBe(200)
      }
    })

    it('GraphQL: the updateUser mutation is refused the same way', async () => {
      const before = identity(await stored(app.payload, attacker.id))
      const victimBefore = identity(await stored(app.payload, victim.id))
      const mutation = `mutation ($id: Int!, $data: mutationUserUpdateInput!) {
        updateUser(id: $id, data: $data) { id role email }
      }`
      const attacks = [
        { id: attacker.id, data: { role: 'admin' }, mention: /"role"/ },
        { id: attacker.id, data: { email: 'mallory@evil.example' }, mention: /"email"/ },
        { id: attacker.id, data: { banned: true }, mention: /"banned"/ },
        { id: victim.id, data: { email: 'mallory+v@evil.example' }, mention: /./ },
      ]
      for (const { id, data, mention } of attacks) {
        const result = await app.graphql(mutation, { id, data }, attacker.cookie)
        expect(result.errors?.length, JSON.stringify(result)).toBeGreaterThan(0)
        expect(result.data?.updateUser ?? null).toBeNull()
        const error = result.errors?.[0]
        const status = (error?.originalError as { status?: number } | undefined)?.status
        expect(status).toBeGreaterThanOrEqual(400)
        expect(status).toBeLessThan(500)
        expect(error?.message).toMatch(mention)
      }
      expect(identity(await stored(app.payload, attacker.id))).toEqual(before)
      expect(identity(await stored(app.payload, victim.id))).toEqual(victimBefore)
    })

    it("the admin form's submit: the whole document with a new role is refused, unchanged passes", async () => {
      // Payload's admin panel saves with a multipart body: the document as JSON in `_payload`.
      const form = (doc: Record<string, unknown>) => {
        const body = new FormData()
        body.set('_payload', JSON.stringify(doc))
        return { method: 'PATCH', body }
      }
      const self = `/users/${attacker.id}`
      const doc = (await (await app.rest(self, attacker.cookie)).json()) as Record<string, unknown>
      expect(doc.id).toBe(attacker.id)
      const before = identity(await stored(app.payload, attacker.id))
      await expectRefused(
        await app.rest(self, attacker.cookie, form({ ...doc, role: 'admin' })),
        /"role"/,
      )
      await expectRefused(
        await app.rest(self, attacker.cookie, form({ ...doc, email: 'mallory@evil.example' })),
        /"email"/,
      )
      // The form sends every field back, unchanged ones included, not always spelt as stored: an
      // unticked box as `false`, a date in another ISO form, an email as typed.
      const saved = await app.rest(
        self,
        attacker.cookie,
        form({
          ...doc,
          banned: doc.banned ?? false,
          email: String(doc.email).toUpperCase(),
          createdAt: new Date(String(doc.createdAt)).toISOString().replace('Z', '+00:00'),
          bio: 'saved from the form',
        }),
      )
      expect(saved.status, JSON.stringify(await saved.clone().json())).toBe(200)
      const after = await stored(app.payload, attacker.id)
      expect(identity(after)).toEqual(before)
      expect(after.bio).toBe('saved from the form')
    })

    it('the Local API, with the user or with no one, cannot change those fields nor make or delete users', async () => {
      const user = { ...(await stored(app.payload, attacker.id)), collection: 'users' as const }
      const before = identity(await stored(app.payload, attacker.id))
      const asUser = { user: user as never, overrideAccess: false }
      for (const data of [{ role: 'admin' }, { email: 'mallory@evil.example' }, { banned: true }]) {
        for (const who of [asUser, {}]) {
          await expect(
            app.payload.update({
              collection: 'users',
              id: attacker.id,
              data: data as never,
              ...who,
            }),
          ).rejects.toMatchObject({ status: 403, message: /auth\.api\./ })
        }
      }
      expect(identity(await stored(app.payload, attacker.id))).toEqual(before)
      const usersBefore = (await app.payload.count({ collection: 'users' })).totalDocs
      for (const who of [asUser, {}]) {
        await expect(
          app.payload.create({
            collection: 'users',
            data: { email: `made-${randomUUID().slice(0, 8)}@example.com` } as never,
            ...who,
          }),
        ).rejects.toMatchObject({
          status: 403,
          message: /create users through Better Auth \(sign-up or auth\.api\.createUser\)/i,
        })
        await expect(
          app.payload.delete({ collection: 'users', id: victim.id, ...who }),
        ).rejects.toMatchObject({ status: 403 })
        await expect(
          app.payload.delete({ collection: 'users', where: { id: { exists: true } }, ...who }),
        ).rejects.toMatchObject({ status: 403 })
      }
      expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(usersBefore)
    })

    it('a fresh sign-up cannot open the admin, make or delete users; reads others only if the app says so', async () => {
      const fresh = await signUp(app, 'Newcomer')
      const access = (await (await app.rest('/access', fresh.cookie)).json()) as {
        canAccessAdmin?: boolean
        collections?: Record<string, Record<string, unknown>>
      }
      // Payload leaves out of its answer whatever is not permitted, and writes `true` for what is.
      expect(access.canAccessAdmin ?? false).toBe(false)
      // So the admin panel offers neither "Create New" nor "Delete".
      expect(access.collections?.users?.create ?? false).toBe(false)
      expect(access.collections?.users?.delete ?? false).toBe(false)
      const other = await app.rest(`/users/${victim.id}`, fresh.cookie)
      const list = (await (await app.rest('/users?limit=100', fresh.cookie)).json()) as {
        docs: Array<{ id: number }>
      }
      if (defaults) {
        expect(other.status).toBeGreaterThanOrEqual(400)
        expect(list.docs.map((doc) => doc.id)).toEqual([fresh.id])
      } else {
        // The app's own rule wins over the default.
        expect(other.status).toBe(200)
        expect(list.docs.length).toBeGreaterThan(1)
      }
      const usersBefore = (await app.payload.count({ collection: 'users' })).totalDocs
      await expectRefused(
        await app.rest('/users', fresh.cookie, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `made-${randomUUID().slice(0, 8)}@example.com` }),
        }),
        /create users through Better Auth \(sign-up or auth\.api\.createUser\)/i,
      )
      for (const path of [
        `/users/${victim.id}`,
        `/users/${fresh.id}`,
        '/users?where[id][exists]=true',
      ]) {
        await expectRefused(await app.rest(path, fresh.cookie, { method: 'DELETE' }))
      }
      expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(usersBefore)
    })

    it("an admin opens the admin panel; roles and bans change through Better Auth's API only", async () => {
      const access = (await (await app.rest('/access', adminCookie)).json()) as {
        canAccessAdmin?: boolean
      }
      expect(access.canAccessAdmin).toBe(true)
      const target = await signUp(app, 'Target')
      // Even an admin is sent to Better Auth for a role (their own, which they may update in
      // Payload), so Better Auth's own checks decide.
      const self = (await (await app.rest('/users/me', adminCookie)).json()) as {
        user: { id: number }
      }
      await expectRefused(
        await app.rest(`/users/${self.user.id}`, adminCookie, patch({ role: 'user' })),
        /auth\.api\.setRole/,
      )
      expect((await stored(app.payload, self.user.id)).role).toBe('admin')
      // Through Better Auth, the role lands in the row, and the admin panel follows it at the
      // target's next request (comma lists included).
      const setRole = (role: 'user' | Array<'user' | 'admin'>) =>
        app.auth.api.setRole({
          body: { userId: String(target.id), role },
          headers: new Headers({ cookie: adminCookie }),
        })
      const opensAdmin = async (cookie: string) =>
        ((await (await app.rest('/access', cookie)).json()) as { canAccessAdmin?: boolean })
          .canAccessAdmin ?? false
      expect(await opensAdmin(target.cookie)).toBe(false)
      await setRole(['user', 'admin'])
      expect((await stored(app.payload, target.id)).role).toBe('user,admin')
      expect(await opensAdmin(target.cookie)).toBe(true)
      await setRole('user')
      expect(await opensAdmin(target.cookie)).toBe(false)

      // A ban through Better Auth ends the banned user's Payload session at their next request.
      const me = async (cookie: string) =>
        ((await (await app.rest('/users/me', cookie)).json()) as { user: { id: number } | null })
          .user
      expect((await me(target.cookie))?.id).toBe(target.id)
      // The cookie's value is the session token, a dot, and its signature.
      const token = decodeURIComponent(target.cookie.split('=')[1] ?? '').split('.')[0] as string
      const targetSession = await app.storage.get(token)
      expect(targetSession).not.toBeNull()
      await app.auth.api.banUser({
        body: { userId: String(target.id), banReason: 'spam' },
        headers: new Headers({ cookie: adminCookie }),
      })
      expect(await me(target.cookie)).toBeNull()
      expect(await app.rest(`/users/${target.id}`, target.cookie)).toMatchObject({ status: 403 })
      expect(await stored(app.payload, target.id)).toMatchObject({
        banned: true,
        banReason: 'spam',
      })
      // The loaded row decides, not only the storage: a session of the banned user that escaped
      // the revocation (written back, the revocation marker gone) still authenticates nobody.
      expect(await app.storage.get(token)).toBeNull()
      await app.storage.set(token, targetSession as string)
      await app.storage.delete(revokedSessionsBeforeKey(String(target.id)))
      expect(await me(target.cookie)).toBeNull()
      // Signing in again is Better Auth's to refuse.
      const again = await app.auth.handler(
        new Request(`${origin}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify({ email: target.email, password }),
        }),
      )
      expect(again.status).toBe(403)
    })

    it('an invitation id no row can have is answered without reading the table', async () => {
      const find = vi.spyOn(app.payload, 'find')
      await expect(
        app.auth.api.getInvitation({
          query: { id: 'abc' },
          headers: new Headers({ cookie: attacker.cookie }),
        }),
      ).rejects.toMatchObject({ statusCode: 400 })
      const invitationQueries = find.mock.calls.filter(([args]) => args.collection === 'invitation')
      expect(invitationQueries).toEqual([])
    })
  })
}
