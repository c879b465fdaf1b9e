import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { Redis as IORedis } from 'ioredis'
import {
  createMemoryStorage,
  createRedisStorage,
  createSqliteStorage,
  type SecondaryStorage,
} from 'payload-better-auth/storage'
import { createClient } from 'redis'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupPrefixAfterAll, describeWithRedis, uniquePrefix } from './helpers/redis.ts'
import { tempDir } from './helpers/tempDir.ts'

// Each storage handed to a real Better Auth 1.7 as its `secondaryStorage`: sessions, sign-out and
// the rate limiter (which needs the atomic `increment`) must work exactly as with its own stores.

const BASE_URL = 'http://localhost:3000'

async function authWith(storage: SecondaryStorage) {
  const auth = betterAuth({
    baseURL: BASE_URL,
    secret: 'test-secret-that-is-long-enough-0123456789',
    database: new DatabaseSync(':memory:'),
    secondaryStorage: storage,
    emailAndPassword: { enabled: true },
    rateLimit: {
      enabled: true,
      storage: 'secondary-storage',
      customRules: { '/sign-in/email': { window: 60, max: 3 } },
    },
    logger: { disabled: true },
  })
  await (await getMigrations(auth.options)).runMigrations()
  return auth
}

const signInRequest = (email: string) =>
  new Request(`${BASE_URL}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
    body: JSON.stringify({ email, password: 'wrong-password' }),
  })

function betterAuthUses(name: string, open: () => Promise<SecondaryStorage>) {
  describe(`Better Auth 1.7 with ${name}`, () => {
    it('keeps sessions in the storage: sign-up, getSession, sign-out', async () => {
      const storage = await open()
      const auth = await authWith(storage)
      const email = `${uniquePrefix('u').replaceAll(':', '')}@example.com`.slice(-60)
      const { headers, response } = await auth.api.signUpEmail({
        body: { email, password: 'correct-horse-battery', name: 'Ada' },
        returnHeaders: true,
      })
      const token = response.token as string
      const stored = JSON.parse((await storage.get(token)) ?? 'null')
      expect(stored.user.email).toBe(email)
      expect(stored.session.token).toBe(token)

      const cookie = (headers.get('set-cookie') ?? '').split(';')[0] as string
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) })
      expect(session?.user.email).toBe(email)

      await auth.api.signOut({ headers: new Headers({ cookie }) })
      expect(await storage.get(token)).toBeNull()
      expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull()
    })

    it('rate-limits through the storage: the 4th sign-in within the window is refused', async () => {
      const auth = await authWith(await open())
      const email = 'nobody@example.com'
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await auth.handler(signInRequest(email))).status)
      expect(statuses.slice(0, 3)).not.toContain(429)
      expect(statuses[3]).toBe(429)
    })
  })
}

betterAuthUses('createMemoryStorage', async () => createMemoryStorage())

const dir = tempDir('ba-storage')
let files = 0
betterAuthUses('createSqliteStorage', async () =>
  createSqliteStorage({ db: new DatabaseSync(join(dir, `s-${files++}.db`)) }),
)

describeWithRedis('Better Auth with Redis storages', (url) => {
  const prefix = uniquePrefix('ba')
  cleanupPrefixAfterAll(url, () => prefix)
  const opened: Array<() => void> = []
  afterAll(() => {
    for (const close of opened) close()
  })
  let run = 0

  betterAuthUses('createRedisStorage (ioredis)', async () => {
    const redis = new IORedis(url())
    opened.push(() => redis.disconnect())
    return createRedisStorage({ redis, prefix: `${prefix}${run++}:` })
  })
  betterAuthUses('createRedisStorage (node-redis)', async () => {
    const redis = createClient({ url: url() })
    await redis.connect()
    opened.push(() => redis.destroy())
    return createRedisStorage({ redis, prefix: `${prefix}${run++}:` })
  })
})
