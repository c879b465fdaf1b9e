import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  createPayloadWriter,
  type SyncedAccount,
  type SyncedUser,
} from '../src/better-auth/payloadWriter.ts'
import { TEST_SYNC_SECRET } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { countWrites, startPayload, type TestPayload } from './helpers/payload.ts'

// The sync's writes into a real Payload: mirror rows for each kind of account, the user through
// mapUserToPayload, the relationships, and nothing at all when Payload already matches.

describeEachDatabase('payload writer', (kind) => {
  let app: TestPayload
  let writer: ReturnType<typeof createPayloadWriter<{ email: string; name: string; plan: string }>>
  let writes: { create: number; update: number; delete: number }

  beforeAll(async () => {
    app = await startPayload(kind, {
      plugin: { storage: createMemoryStorage(), eventBus: createMemoryEventBus() },
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'name', type: 'text' },
            { name: 'plan', type: 'text', required: true },
          ],
        },
      ],
    })
    writes = countWrites(app.payload)
    writer = createPayloadWriter({
      payload: async () => app.payload,
      syncSecret: TEST_SYNC_SECRET,
      // A required field the Better Auth user does not have gets its default here.
      mapUserToPayload: (user) => ({
        email: user.email,
        name: String(user.name ?? ''),
        plan: 'free',
      }),
    })
  })
  afterAll(() => app?.close())

  const user = (id: string, extra: Partial<SyncedUser> = {}): SyncedUser => ({
    id,
    email: `${id}@example.com`,
    name: 'Ada',
    emailVerified: true,
    ...extra,
  })
  const accounts: SyncedAccount[] = [
    { id: 'acc-cred', providerId: 'credential', accountId: 'u1' },
    { id: 'acc-magic', providerId: 'magic-link', accountId: 'u1' },
    { id: 'acc-gh', providerId: 'github', accountId: 'gh-42' },
    { id: 'acc-google', providerId: 'google', accountId: 'g-7' },
  ]
  const reset = () => Object.assign(writes, { create: 0, update: 0, delete: 0 })
  const findUser = async (baUserId: string) =>
    (
      await app.payload.find({
        collection: 'users',
        where: { baUserId: { equals: baUserId } },
        depth: 1,
      })
    ).docs[0]
  const readUser = async (baUserId: string) => {
    const doc = await findUser(baUserId)
    if (!doc) throw new Error(`no Payload user with baUserId ${baUserId}`)
    return doc
  }

  it('creates the user, the mirror rows of every account kind, and the relationships', async () => {
    expect(await writer.ensure(user('u1'), accounts)).toBe('created')
    // The user first (so a refused user leaves no mirror rows), four mirror rows, then the links.
    expect(writes).toEqual({ create: 5, update: 1, delete: 0 })
    const doc = await readUser('u1')
    expect(doc).toMatchObject({
      email: 'u1@example.com',
      name: 'Ada',
      plan: 'free',
      baUserId: 'u1',
    })
    expect((doc.emailPasswordAccount as { baAccountId: string }).baAccountId).toBe('acc-cred')
    expect((doc.magicLinkAccount as { baAccountId: string }).baAccountId).toBe('acc-magic')
    const social = (doc.socialAccounts as Array<{ providerId: string; accountId: string }>).map(
      (a) => `${a.providerId}:${a.accountId}`,
    )
    expect(social.sort()).toEqual(['github:gh-42', 'google:g-7'])
  })

  it('writes nothing when Payload already matches', async () => {
    reset()
    expect(await writer.ensure(user('u1'), accounts)).toBe('unchanged')
    expect(writes).toEqual({ create: 0, update: 0, delete: 0 })
  })

  it('re-applies mapUserToPayload on an update, and drops the mirror row of an unlinked account', async () => {
    reset()
    const renamed = user('u1', { name: 'Ada Lovelace', email: 'ada@example.com' })
    expect(
      await writer.ensure(
        renamed,
        accounts.filter((a) => a.id !== 'acc-google'),
      ),
    ).toBe('updated')
    const doc = await readUser('u1')
    expect(doc).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' })
    expect((doc.socialAccounts as unknown[]).length).toBe(1)
    const rows = await app.payload.find({
      collection: '__better_auth_social',
      where: { baAccountId: { equals: 'acc-google' } },
    })
    expect(rows.totalDocs).toBe(0)
    const credential = await app.payload.find({
      collection: '__better_auth_email_password',
      where: { baUserId: { equals: 'u1' } },
    })
    expect(credential.docs[0]?.email).toBe('ada@example.com')
    expect(writes.delete).toBe(1)
  })

  it('removes the mirror rows and then the user', async () => {
    await writer.ensure(user('u2'), [{ id: 'acc-u2', providerId: 'credential', accountId: 'u2' }])
    expect(await writer.remove('u2')).toBe(true)
    expect(await findUser('u2')).toBeUndefined()
    const rows = await app.payload.find({
      collection: '__better_auth_email_password',
      where: { baUserId: { equals: 'u2' } },
    })
    expect(rows.totalDocs).toBe(0)
    expect(await writer.remove('u2')).toBe(false)
  })

  it('is refused by Payload when signed with another secret', async () => {
    const intruder = createPayloadWriter({
      payload: async () => app.payload,
      syncSecret: 'not-the-sync-secret-0123456789abcdef',
      mapUserToPayload: (u) => ({ email: u.email, name: '', plan: 'free' }),
    })
    await expect(intruder.ensure(user('u3'), [])).rejects.toThrow(/refused/)
    expect(await findUser('u3')).toBeUndefined()
  })
})
