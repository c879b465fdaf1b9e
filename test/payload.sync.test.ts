import type { Payload } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SYNC_CONTEXT_KEY, signSyncOperation } from '../src/shared/syncSignature.ts'
import { TEST_SYNC_SECRET } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import {
  signedContext,
  startPayload,
  syncCreate,
  syncUpdate,
  type TestPayload,
} from './helpers/payload.ts'

// Who may write the mirror collections and `baUserId`: only a write whose signature matches the
// operation, its document and its data, fresh and never used before. Each case tries to get past
// that as someone with every other right (an admin, overrideAccess, REST with a session).

const EMAIL_PASSWORD = '__better_auth_email_password'
const refused = /refused.*signed sync/

describeEachDatabase('signed sync', (kind) => {
  let app: TestPayload
  let payload: Payload
  let admin: Record<string, unknown> & { id: string | number }

  beforeAll(async () => {
    app = await startPayload(kind, {
      plugin: { storage: createMemoryStorage(), eventBus: createMemoryEventBus() },
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'role', type: 'select', options: ['admin', 'editor'] },
          ],
          access: {
            read: () => true,
            create: ({ req }) => (req.user as { role?: string } | null)?.role === 'admin',
            update: ({ req }) => (req.user as { role?: string } | null)?.role === 'admin',
          },
        },
      ],
    })
    payload = app.payload
    // An admin of the app (a mirrored user with the app's admin role), acting through the Local API.
    admin = (await syncCreate(payload, 'users', {
      email: 'admin@example.com',
      baUserId: 'ba-admin',
      role: 'admin',
    })) as typeof admin
  })
  afterAll(() => app?.close())

  const account = (id: string) => ({
    baAccountId: id,
    baUserId: `user-${id}`,
    email: `${id}@example.com`,
  })
  const adminUser = () => ({ ...admin, collection: 'users' }) as never

  it('a valid signature passes, and sets the mirror row and its relationship', async () => {
    const row = await syncCreate(payload, EMAIL_PASSWORD, account('valid'))
    const user = await syncCreate(payload, 'users', {
      email: 'valid@example.com',
      baUserId: 'user-valid',
      emailPasswordAccount: row.id,
    })
    const read = await payload.findByID({ collection: 'users', id: user.id, depth: 1 })
    expect(read.baUserId).toBe('user-valid')
    expect((read.emailPasswordAccount as { baAccountId: string }).baAccountId).toBe('valid')
    const mirror = await payload.findByID({ collection: EMAIL_PASSWORD, id: row.id })
    expect((mirror.user as { docs: Array<{ id: unknown }> }).docs.map((d) => d.id)).toEqual([
      user.id,
    ])
  })

  it('refuses an unsigned create on a mirror collection: Local API, as admin, and overrideAccess', async () => {
    await expect(
      payload.create({ collection: EMAIL_PASSWORD, data: account('u1') }),
    ).rejects.toThrow(refused)
    await expect(
      payload.create({
        collection: EMAIL_PASSWORD,
        data: account('u2'),
        user: adminUser(),
        overrideAccess: false,
      }),
    ).rejects.toThrow(refused)
    await expect(
      payload.create({ collection: EMAIL_PASSWORD, data: account('u3'), overrideAccess: true }),
    ).rejects.toThrow(refused)
    expect(
      (await payload.count({ collection: EMAIL_PASSWORD, where: { baAccountId: { like: 'u' } } }))
        .totalDocs,
    ).toBe(0)
  })

  it('refuses an unsigned update on a mirror collection', async () => {
    const row = await syncCreate(payload, EMAIL_PASSWORD, account('upd'))
    await expect(
      payload.update({
        collection: EMAIL_PASSWORD,
        id: row.id,
        data: { email: 'evil@example.com' },
      }),
    ).rejects.toThrow(refused)
    const bulk = payload.update({
      collection: EMAIL_PASSWORD,
      where: { id: { equals: row.id } },
      data: { emailVerified: true },
    })
    await expect(bulk).rejects.toThrow(refused)
    expect((await payload.findByID({ collection: EMAIL_PASSWORD, id: row.id })).email).toBe(
      'upd@example.com',
    )
  })

  it('refuses REST writes to a mirror collection, even with a signature-shaped body or header', async () => {
    const forged = signSyncOperation('wrong-secret-0123456789abcdef0123456789', {
      op: 'create',
      collection: EMAIL_PASSWORD,
      id: null,
      data: account('rest'),
    })
    const response = await app.rest(`/${EMAIL_PASSWORD}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SYNC_CONTEXT_KEY]: JSON.stringify(forged) },
      body: JSON.stringify({ ...account('rest'), [SYNC_CONTEXT_KEY]: forged }),
    })
    expect(response.status).toBe(403)
    const text = await response.text()
    expect(text).not.toContain('at ') // no stack trace
    expect(text).not.toContain(TEST_SYNC_SECRET)
  })

  it('refuses an unsigned change of baUserId: Local API (admin or not) and REST', async () => {
    const user = await syncCreate(payload, 'users', {
      email: 'target@example.com',
      baUserId: 'ba-target',
    })
    await expect(
      payload.update({ collection: 'users', id: user.id, data: { baUserId: 'ba-hijack' } }),
    ).rejects.toThrow(refused)
    await expect(
      payload.update({
        collection: 'users',
        id: user.id,
        data: { baUserId: 'ba-hijack' },
        user: adminUser(),
        overrideAccess: false,
      }),
    ).rejects.toThrow(refused)
    await expect(
      payload.create({
        collection: 'users',
        data: { email: 'new@example.com', baUserId: 'ba-new' },
      }),
    ).rejects.toThrow(refused)
    await expect(
      payload.update({ collection: 'users', id: user.id, data: { emailPasswordAccount: 1 } }),
    ).rejects.toThrow(refused)

    const rest = await app.rest(`/users/${user.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baUserId: 'ba-hijack' }),
    })
    expect(rest.status).toBeGreaterThanOrEqual(400)
    expect(rest.status).toBeLessThan(500)
    expect((await payload.findByID({ collection: 'users', id: user.id })).baUserId).toBe(
      'ba-target',
    )
  })

  it('passes an admin form save whose baUserId comes back unchanged on to Better Auth', async () => {
    const user = await syncCreate(payload, 'users', {
      email: 'form@example.com',
      baUserId: 'ba-form',
    })
    // The guard lets the unchanged baUserId through; the edit then goes to Better Auth (which
    // nothing answers for here): a 503 that says so, not the guard's 403, and nothing saved.
    const save = payload.update({
      collection: 'users',
      id: user.id,
      data: { ...user, role: 'editor' },
      user: adminUser(),
      overrideAccess: false,
    })
    await expect(save).rejects.toMatchObject({ status: 503 })
    await expect(save).rejects.toThrow(/Better Auth did not answer/)
    const stored = await payload.findByID({ collection: 'users', id: user.id })
    expect(stored).toMatchObject({ baUserId: 'ba-form' })
    expect(stored.role).not.toBe('editor')
  })

  it('refuses a replayed signature', async () => {
    const data = account('replay')
    const context = signedContext({ op: 'create', collection: EMAIL_PASSWORD, id: null, data })
    await payload.create({ collection: EMAIL_PASSWORD, data, context: { ...context } })
    await expect(
      payload.create({
        collection: EMAIL_PASSWORD,
        data: { ...data, baAccountId: 'replay-2' },
        context: { ...context },
      }),
    ).rejects.toThrow(/refused/)
    await expect(
      payload.create({ collection: EMAIL_PASSWORD, data, context: { ...context } }),
    ).rejects.toThrow(/already used/)
  })

  it('refuses a signature over other data, another document or another operation', async () => {
    const signedFor = signedContext({
      op: 'create',
      collection: EMAIL_PASSWORD,
      id: null,
      data: account('a'),
    })
    await expect(
      payload.create({ collection: EMAIL_PASSWORD, data: account('b'), context: signedFor }),
    ).rejects.toThrow(/does not match/)

    const one = await syncCreate(payload, 'users', { email: 'one@example.com', baUserId: 'ba-one' })
    const two = await syncCreate(payload, 'users', { email: 'two@example.com', baUserId: 'ba-two' })
    const data = { baUserId: 'ba-moved' }
    const forOne = signedContext({ op: 'update', collection: 'users', id: one.id, data })
    await expect(
      payload.update({ collection: 'users', id: two.id, data, context: forOne }),
    ).rejects.toThrow(/does not match/)

    const asCreate = signedContext({ op: 'create', collection: 'users', id: null, data })
    await expect(
      payload.update({ collection: 'users', id: one.id, data, context: asCreate }),
    ).rejects.toThrow(/does not match/)
    expect((await payload.findByID({ collection: 'users', id: two.id })).baUserId).toBe('ba-two')
  })

  it('refuses a stale signature, a malformed one, and one made with another secret', async () => {
    const data = account('stale')
    const operation = { op: 'create' as const, collection: EMAIL_PASSWORD, id: null, data }
    const stale = signSyncOperation(TEST_SYNC_SECRET, operation, Date.now() - 301_000)
    await expect(
      payload.create({ collection: EMAIL_PASSWORD, data, context: { [SYNC_CONTEXT_KEY]: stale } }),
    ).rejects.toThrow(/window/)
    const future = signSyncOperation(TEST_SYNC_SECRET, operation, Date.now() + 301_000)
    await expect(
      payload.create({ collection: EMAIL_PASSWORD, data, context: { [SYNC_CONTEXT_KEY]: future } }),
    ).rejects.toThrow(/window/)
    for (const malformed of [
      true,
      'signed',
      { ts: Date.now() },
      { ts: Date.now(), nonce: 'x', signature: 'y' },
    ]) {
      await expect(
        payload.create({
          collection: EMAIL_PASSWORD,
          data,
          context: { [SYNC_CONTEXT_KEY]: malformed },
        }),
      ).rejects.toThrow(/malformed/)
    }
    const otherSecret = signSyncOperation('another-secret-0123456789abcdef0123', operation)
    await expect(
      payload.create({
        collection: EMAIL_PASSWORD,
        data,
        context: { [SYNC_CONTEXT_KEY]: otherSecret },
      }),
    ).rejects.toThrow(/does not match/)
  })

  it('a signed update changes baUserId; the spent signature is not left on the request', async () => {
    const user = await syncCreate(payload, 'users', {
      email: 'move@example.com',
      baUserId: 'ba-before',
    })
    const context = signedContext({
      op: 'update',
      collection: 'users',
      id: user.id,
      data: { baUserId: 'ba-after' },
    })
    const updated = await payload.update({
      collection: 'users',
      id: user.id,
      data: { baUserId: 'ba-after' },
      context,
    })
    expect(updated.baUserId).toBe('ba-after')
    const again = await syncUpdate(payload, 'users', user.id, { baUserId: 'ba-again' })
    expect(again.baUserId).toBe('ba-again')
  })
})
