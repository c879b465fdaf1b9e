import { DatabaseSync } from 'node:sqlite'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { admin } from 'better-auth/plugins'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { payloadBetterAuthPlugin } from '../src/index.ts'
import { TEST_BETTER_AUTH_SECRET, TEST_SYNC_SECRET } from './helpers/betterAuth.ts'
import { startPayload, type TestPayload } from './helpers/payload.ts'

describe('payloadBetterAuthPlugin (smoke)', () => {
  let app: TestPayload
  const storage = createMemoryStorage()
  const eventBus = createMemoryEventBus()
  beforeAll(async () => {
    app = await startPayload('sqlite', {
      plugin: { storage, eventBus },
      collections: [
        {
          slug: 'users',
          fields: [
            { name: 'email', type: 'email', required: true },
            { name: 'name', type: 'text' },
          ],
        },
      ],
    })
  })
  afterAll(() => app?.close())

  it('mirrors a sign-up before it returns, and the cookie authenticates Payload', async () => {
    const auth = betterAuth({
      baseURL: 'http://localhost:3000',
      secret: TEST_BETTER_AUTH_SECRET,
      database: new DatabaseSync(':memory:'),
      emailAndPassword: { enabled: true },
      logger: { disabled: true },
      plugins: [
        admin(),
        payloadBetterAuthPlugin({
          payloadConfig: app.payload.config,
          getPayload: async () => app.payload,
          token: 'reconcile-token-for-tests',
          storage,
          eventBus,
          syncSecret: TEST_SYNC_SECRET,
          mapUserToPayload: (user) => ({ email: user.email, name: String(user.name ?? '') }),
        }),
      ],
    })
    await (await getMigrations(auth.options)).runMigrations()
    const { headers, response } = await auth.api.signUpEmail({
      body: { email: 'plugin@example.com', password: 'correct-horse-battery', name: 'Plug' },
      headers: new Headers({ 'user-locale': 'de-CH' }),
      returnHeaders: true,
    })
    const found = await app.payload.find({
      collection: 'users',
      where: { baUserId: { equals: response.user.id } },
      depth: 1,
    })
    const doc = found.docs[0]
    if (!doc) throw new Error('the sign-up was not mirrored')
    expect(doc).toMatchObject({ email: 'plugin@example.com', name: 'Plug' })
    expect((doc.emailPasswordAccount as { email: string }).email).toBe('plugin@example.com')
    expect(await storage.get(response.token as string)).not.toBeNull()
    const cookie = (headers.get('set-cookie') ?? '').split(';')[0] as string
    expect((await app.payload.auth({ headers: new Headers({ cookie }) })).user?.email).toBe(
      'plugin@example.com',
    )
    const stored = JSON.parse((await storage.get(response.token as string)) as string)
    expect(stored.user.locale).toBe('de-CH')
  })
})
