import type { CollectionConfig } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rulesOnPayloadDefault } from '../src/payload/defaultAccessWarning.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { eventually } from './helpers/eventually.ts'
import {
  makeAdmin,
  patchUser,
  runFullReconcile,
  type SignedUp,
  type SyncedApp,
  signUp,
  startSyncedApp,
  submitAdminForm,
} from './helpers/syncedApp.ts'

// The trust boundary in the synced topology: every Better Auth sign-up is a Payload user, so a
// fresh, anonymous sign-up must get no staff rights, and what Better Auth owns (email, baUserId,
// whatever mapUserToPayload writes) changes only through Better Auth. Each attack is tried through
// REST, GraphQL, the admin's form submit and the Local API with a user.

/** Payload's `GET /api/access` leaves `canAccessAdmin` out when it is false. */
const canAccessAdmin = async (app: SyncedApp['app'], headers: Record<string, string>) =>
  ((await (await app.rest('/access', { headers })).json()) as { canAccessAdmin?: boolean })
    .canAccessAdmin === true

const rowOf = (ctx: SyncedApp, id: string) =>
  ctx.app.payload.findByID({ collection: 'users', id, depth: 0, overrideAccess: true })

/** The Payload user `id` as the Local API takes it in `user`. */
const asUser = async (ctx: SyncedApp, id: string) => ({
  ...(await rowOf(ctx, id)),
  collection: 'users' as const,
})

const betterAuthUser = async (ctx: SyncedApp, baUserId: string) =>
  (await ctx.synced.auth.$context).internalAdapter.findUserById(baUserId) as Promise<Record<
    string,
    unknown
  > | null>

describeEachDatabase("the README's minimal config: a public sign-up is nobody special", (kind) => {
  let ctx: SyncedApp
  let mallory: SignedUp
  let victim: SignedUp
  const logs: string[] = []

  beforeAll(async () => {
    // The plugin creates the users collection; mapUserToPayload writes email and name.
    ctx = await startSyncedApp(kind, {
      logs,
      collections: [{ slug: 'posts', fields: [{ name: 'title', type: 'text' }] }],
      // GraphQL reserves names that begin with "__", the default prefix.
      collectionPrefix: 'better_auth',
    })
    victim = await signUp(ctx, 'victim@example.com', 'Victim')
    mallory = await signUp(ctx, 'mallory@example.com', 'Mallory')
  })
  afterAll(async () => ctx?.close())

  it('cannot open the admin', async () => {
    expect(await canAccessAdmin(ctx.app, mallory.headers)).toBe(false)
  })

  it('reads only itself (REST list, REST by id, GraphQL, Local API with the user)', async () => {
    const list = (await (await ctx.app.rest('/users', { headers: mallory.headers })).json()) as {
      docs: Array<{ email: string }>
    }
    expect(list.docs.map((doc) => doc.email)).toEqual(['mallory@example.com'])
    expect((await ctx.app.rest(`/users/${victim.id}`, { headers: mallory.headers })).status).toBe(
      404,
    )
    const graphql = await ctx.app.graphql('{ Users { docs { email } } }', mallory.headers)
    expect(graphql.data?.Users).toEqual({ docs: [{ email: 'mallory@example.com' }] })
    const local = await ctx.app.payload.find({
      collection: 'users',
      user: await asUser(ctx, mallory.id),
      overrideAccess: false,
    })
    expect(local.docs.map((doc) => doc.email)).toEqual(['mallory@example.com'])
  })

  it('cannot change another user (REST, admin form, GraphQL, Local API)', async () => {
    const before = await rowOf(ctx, victim.id)
    ctx.served.length = 0
    expect(
      (await patchUser(ctx.app, victim.id, { name: 'pwned' }, mallory.headers)).status,
    ).toBeGreaterThanOrEqual(400)
    expect(
      (
        await submitAdminForm(
          ctx.app,
          `/users/${victim.id}`,
          'PATCH',
          { email: 'mallory+1@example.com' },
          mallory.headers,
        )
      ).status,
    ).toBeGreaterThanOrEqual(400)
    const graphql = await ctx.app.graphql(
      `mutation { updateUser(id: ${JSON.stringify(kind === 'postgres' ? Number(victim.id) : victim.id)}, data: { email: "mallory+2@example.com" }) { email } }`,
      mallory.headers,
    )
    expect(graphql.errors?.length).toBeGreaterThan(0)
    await expect(
      ctx.app.payload.update({
        collection: 'users',
        id: victim.id,
        data: { email: 'mallory+3@example.com' },
        user: await asUser(ctx, mallory.id),
        overrideAccess: false,
      }),
    ).rejects.toThrow()
    expect(await rowOf(ctx, victim.id)).toMatchObject({ email: before.email, name: before.name })
    // Payload's own rule refused: Better Auth was not even asked.
    expect(ctx.served).toEqual([])
    expect(await betterAuthUser(ctx, victim.baUserId)).toMatchObject({
      email: 'victim@example.com',
      name: 'Victim',
    })
  })

  it('cannot change its own email, name or baUserId in Payload; Better Auth keeps them', async () => {
    const attempts: Array<Record<string, unknown>> = [
      { email: 'victim@example.com' },
      { email: 'new-mallory@example.com' },
      { name: 'Administrator' },
      { baUserId: victim.baUserId },
    ]
    for (const data of attempts) {
      const response = await patchUser(ctx.app, mallory.id, data, mallory.headers)
      expect(response.status, JSON.stringify(data)).toBeGreaterThanOrEqual(400)
      expect(response.status, JSON.stringify(data)).toBeLessThan(500)
      const form = await submitAdminForm(
        ctx.app,
        `/users/${mallory.id}`,
        'PATCH',
        data,
        mallory.headers,
      )
      expect(form.status, JSON.stringify(data)).toBeGreaterThanOrEqual(400)
    }
    const graphql = await ctx.app.graphql(
      `mutation { updateUser(id: ${JSON.stringify(kind === 'postgres' ? Number(mallory.id) : mallory.id)}, data: { email: "victim@example.com" }) { email } }`,
      mallory.headers,
    )
    expect(graphql.errors?.length).toBeGreaterThan(0)
    await expect(
      ctx.app.payload.update({
        collection: 'users',
        id: mallory.id,
        data: { name: 'Administrator' },
        user: await asUser(ctx, mallory.id),
        overrideAccess: false,
      }),
    ).rejects.toThrow(/Better Auth/)
    expect(await rowOf(ctx, mallory.id)).toMatchObject({
      email: 'mallory@example.com',
      name: 'Mallory',
      baUserId: mallory.baUserId,
    })
    expect(await betterAuthUser(ctx, mallory.baUserId)).toMatchObject({
      email: 'mallory@example.com',
      name: 'Mallory',
    })
  })

  it("Better Auth's write-through endpoints answer a stranger nothing about a user", async () => {
    const ask = (path: string, body: object) =>
      ctx.synced.auth.handler(
        new Request(`http://localhost:3000/api/auth/payload/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
          body: JSON.stringify(body),
        }),
      )
    // A right and a wrong guess of the victim's email get the same answer, and change nothing.
    for (const email of ['victim@example.com', 'someone-else@example.com']) {
      const response = await ask('update-user', { userId: victim.baUserId, data: { email } })
      expect(response.status, email).toBe(401)
    }
    expect((await ask('create-user', { data: { email: 'anon@example.com' } })).status).toBe(401)
    expect((await ask('delete-user', { userId: victim.baUserId })).status).toBe(401)
    expect(await betterAuthUser(ctx, victim.baUserId)).toMatchObject({
      email: 'victim@example.com',
    })
  })

  it('cannot create or delete users, itself included', async () => {
    ctx.served.length = 0
    const create = await ctx.app.rest('/users', {
      method: 'POST',
      headers: { ...mallory.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sock@example.com', name: 'Sock' }),
    })
    expect(create.status).toBe(403)
    const graphql = await ctx.app.graphql(
      'mutation { createUser(data: { email: "sock2@example.com" }) { email } }',
      mallory.headers,
    )
    expect(graphql.errors?.length).toBeGreaterThan(0)
    for (const target of [victim, mallory]) {
      const response = await ctx.app.rest(`/users/${target.id}`, {
        method: 'DELETE',
        headers: mallory.headers,
      })
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(await rowOf(ctx, target.id)).toBeTruthy()
      expect(await betterAuthUser(ctx, target.baUserId)).toBeTruthy()
    }
    const { totalDocs } = await ctx.app.payload.count({ collection: 'users', overrideAccess: true })
    expect(totalDocs).toBe(2)
    // Payload's own rules refused: Better Auth was not even asked.
    expect(ctx.served).toEqual([])
  })

  it('names at start-up, once, the collections left on Payload\'s "any signed-in user" default', () => {
    const named = logs.filter((line) => line.includes("still Payload's default"))
    expect(named).toHaveLength(1)
    expect(named[0]).toContain('posts (create, read, update, delete)')
    expect(named[0]).not.toMatch(/\busers \(/)
  })

  it('cannot create a user through the Local API on its own behalf either', async () => {
    await expect(
      ctx.app.payload.create({
        collection: 'users',
        data: { email: 'local-sock@example.com' },
        user: await asUser(ctx, mallory.id),
        overrideAccess: false,
      }),
    ).rejects.toThrow()
    const { totalDocs } = await ctx.app.payload.count({
      collection: 'users',
      where: { email: { equals: 'local-sock@example.com' } },
      overrideAccess: true,
    })
    expect(totalDocs).toBe(0)
  })

  it('opens the admin once Better Auth gives it an admin role (comma lists too), as its session says', async () => {
    // Last: a third user would change the counts above.
    const staff = await signUp(ctx, 'staff@example.com')
    expect(await canAccessAdmin(ctx.app, staff.headers)).toBe(false)
    // No `role` field in this users collection: the role is read from Better Auth's session.
    await makeAdmin(ctx.synced, staff.baUserId, 'user,admin')
    expect(await canAccessAdmin(ctx.app, staff.headers)).toBe(true)
    await makeAdmin(ctx.synced, staff.baUserId, 'user')
    expect(await canAccessAdmin(ctx.app, staff.headers)).toBe(false)
  })
})

/** The demo's users collection: a `role` Better Auth's admin plugin sets, app-written rules. */
const isAdmin = (user: unknown) => (user as { role?: string } | null)?.role === 'admin'
const staffUsers: CollectionConfig = {
  slug: 'users',
  access: {
    read: ({ req }) => isAdmin(req.user) || { id: { equals: req.user?.id } },
    update: ({ req }) => isAdmin(req.user),
    delete: ({ req }) => isAdmin(req.user),
  },
  fields: [
    { name: 'email', type: 'email', required: true },
    { name: 'name', type: 'text' },
    { name: 'role', type: 'select', options: ['admin', 'user'], defaultValue: 'user' },
    { name: 'banned', type: 'checkbox' },
  ],
}

describeEachDatabase('an admin edits users in Payload; Better Auth carries it out', (kind) => {
  let ctx: SyncedApp
  let admin: SignedUp
  let editor: SignedUp

  beforeAll(async () => {
    ctx = await startSyncedApp(kind, {
      collections: [staffUsers],
      auth: {
        mapUserToPayload: (user) => ({
          email: user.email,
          name: String(user.name ?? ''),
          role: user.role === 'admin' ? 'admin' : 'user',
          banned: user.banned === true,
        }),
        // Written for whole documents, as the README shows: an edit carries only what changed.
        mapPayloadToUser: (data) => ({
          email: data.email,
          name: data.name,
          role: data.role,
          banned: data.banned,
        }),
      },
    })
    admin = await signUp(ctx, 'boss@example.com', 'Boss')
    await makeAdmin(ctx.synced, admin.baUserId)
    editor = await signUp(ctx, 'editor@example.com', 'Ed')
  })
  afterAll(async () => ctx?.close())

  it('opens the admin with a Better Auth admin role only', async () => {
    expect(await canAccessAdmin(ctx.app, admin.headers)).toBe(true)
    expect(await canAccessAdmin(ctx.app, editor.headers)).toBe(false)
  })

  it('renames a user and changes a role: Better Auth has both, a full reconcile keeps them', async () => {
    const response = await submitAdminForm(
      ctx.app,
      `/users/${editor.id}`,
      'PATCH',
      { email: editor.email, name: 'Edwina', role: 'admin', banned: false },
      admin.headers,
    )
    expect(response.status).toBe(200)
    expect(await betterAuthUser(ctx, editor.baUserId)).toMatchObject({
      name: 'Edwina',
      role: 'admin',
    })
    expect(await rowOf(ctx, editor.id)).toMatchObject({ name: 'Edwina', role: 'admin' })
    await runFullReconcile(ctx.synced)
    expect(await rowOf(ctx, editor.id)).toMatchObject({ name: 'Edwina', role: 'admin' })
    // Back to a plain user, through REST this time.
    expect((await patchUser(ctx.app, editor.id, { role: 'user' }, admin.headers)).status).toBe(200)
    expect(await betterAuthUser(ctx, editor.baUserId)).toMatchObject({ role: 'user' })
  })

  it('a non-admin whose rule allows nothing gets 403; Better Auth refuses what Payload would allow', async () => {
    // The app lets only admins update; Better Auth's admin plugin decides beyond that.
    expect(
      (await patchUser(ctx.app, admin.id, { role: 'user' }, editor.headers)).status,
    ).toBeGreaterThanOrEqual(400)
    expect(await betterAuthUser(ctx, admin.baUserId)).toMatchObject({ role: 'admin' })
  })

  it('"Create New" creates the user in Better Auth first and invites them by magic link', async () => {
    ctx.synced.magicLinks.length = 0
    const response = await submitAdminForm(
      ctx.app,
      '/users',
      'POST',
      { email: 'newbie@example.com', name: 'Newbie', role: 'user' },
      admin.headers,
    )
    expect(response.status).toBe(201)
    const { doc } = (await response.json()) as { doc: { id: string; baUserId: string } }
    const baUser = await betterAuthUser(ctx, doc.baUserId)
    expect(baUser).toMatchObject({ email: 'newbie@example.com', name: 'Newbie' })
    expect(ctx.synced.magicLinks).toHaveLength(1)
    // The invitation signs them in, as the user Payload holds.
    const link = new URL(ctx.synced.magicLinks[0] as string)
    const verify = await ctx.synced.auth.handler(new Request(link, { redirect: 'manual' }))
    const cookie = (
      verify.headers.getSetCookie().find((c) => c.startsWith('better-auth.session_token=')) ?? ''
    ).split(';')[0] as string
    expect(cookie).not.toBe('')
    const me = (await (await ctx.app.rest('/users/me', { headers: { cookie } })).json()) as {
      user: { id: unknown } | null
    }
    expect(String(me.user?.id)).toBe(String(doc.id))
    await eventually(async () => {
      const { totalDocs } = await ctx.app.payload.count({
        collection: 'users',
        where: { email: { equals: 'newbie@example.com' } },
        overrideAccess: true,
      })
      expect(totalDocs).toBe(1)
    })
  })

  it('an email taken in Better Auth cannot be given to another user from Payload', async () => {
    const response = await patchUser(ctx.app, editor.id, { email: admin.email }, admin.headers)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(await rowOf(ctx, editor.id)).toMatchObject({ email: editor.email })
  })

  it("a ban set in Payload is Better Auth's ban: the banned user's session ends at once", async () => {
    const target = await signUp(ctx, 'to-ban@example.com')
    const me = async () =>
      (
        (await (await ctx.app.rest('/users/me', { headers: target.headers })).json()) as {
          user: unknown
        }
      ).user
    expect(await me()).not.toBeNull()
    expect((await patchUser(ctx.app, target.id, { banned: true }, admin.headers)).status).toBe(200)
    expect(await betterAuthUser(ctx, target.baUserId)).toMatchObject({ banned: true })
    expect(await me()).toBeNull()
  })

  it('deleting a user in Payload deletes them in Better Auth first', async () => {
    const target = await signUp(ctx, 'leaving@example.com')
    const response = await ctx.app.rest(`/users/${target.id}`, {
      method: 'DELETE',
      headers: admin.headers,
    })
    expect(response.status).toBe(200)
    expect(await betterAuthUser(ctx, target.baUserId)).toBeNull()
    expect(
      (await ctx.app.rest('/users/me', { headers: target.headers }).then((r) => r.json())) as {
        user: unknown
      },
    ).toMatchObject({ user: null })
  })
})

describeEachDatabase('a user edits their own profile through Better Auth', (kind) => {
  let ctx: SyncedApp
  let user: SignedUp

  beforeAll(async () => {
    ctx = await startSyncedApp(kind, {
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'name', type: 'text' },
            { name: 'role', type: 'text' },
            { name: 'bio', type: 'textarea' },
          ],
        },
      ],
      auth: {
        mapUserToPayload: (u) => ({ email: u.email, name: String(u.name ?? ''), role: u.role }),
        mapPayloadToUser: (data) => ({ name: data.name, role: data.role }),
      },
    })
    user = await signUp(ctx, 'self@example.com', 'Self')
  })
  afterAll(async () => ctx?.close())

  it('renames itself (Better Auth /update-user), keeps Payload-only fields in Payload', async () => {
    const response = await patchUser(ctx.app, user.id, { name: 'Selma', bio: 'hi' }, user.headers)
    expect(response.status).toBe(200)
    expect(await betterAuthUser(ctx, user.baUserId)).toMatchObject({ name: 'Selma' })
    expect(await rowOf(ctx, user.id)).toMatchObject({ name: 'Selma', bio: 'hi' })
  })

  it('cannot make itself an admin: Better Auth refuses, nothing is saved', async () => {
    const response = await patchUser(ctx.app, user.id, { role: 'admin', bio: 'x' }, user.headers)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(await betterAuthUser(ctx, user.baUserId)).toMatchObject({ role: 'user' })
    expect(await rowOf(ctx, user.id)).toMatchObject({ role: 'user', bio: 'hi' })
  })
})

describe('rules left on Payload defaults', () => {
  it('lists each collection and global operation the app did not write', () => {
    const open = rulesOnPayloadDefault(
      {
        collections: [
          { slug: 'users', fields: [] },
          { slug: 'posts', fields: [], access: { read: () => true } },
          {
            slug: 'pages',
            fields: [],
            access: {
              create: () => false,
              read: () => true,
              update: () => false,
              delete: () => false,
            },
          },
        ],
        globals: [{ slug: 'settings', fields: [] }],
      } as never,
      new Set(['users']),
    )
    expect(open).toEqual(['posts (create, update, delete)', 'global settings (read, update)'])
  })
})
