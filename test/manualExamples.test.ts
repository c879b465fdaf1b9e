import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { getPayload } from 'payload'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createTestAuth,
  signUp,
  TEST_BETTER_AUTH_SECRET,
  TEST_SYNC_SECRET,
} from './helpers/betterAuth.ts'
import { eventually } from './helpers/eventually.ts'
import { browserHeaders, syncCreate } from './helpers/payload.ts'
import { describeWithRedis } from './helpers/redis.ts'

// The manual's storage and event bus examples (test/manual/lib), run as written: relative
// database paths land in the working directory, Redis comes from REDIS_URL.

const cwd = process.cwd()
const scratch = mkdtempSync(join(tmpdir(), 'pba-manual-'))
beforeAll(() => process.chdir(scratch))
afterAll(() => {
  process.chdir(cwd)
  rmSync(scratch, { recursive: true, force: true })
})

describe('manual: SQLite storage and polling event bus', () => {
  it('lib/syncAdapter.ts stores in ./.sync-state.db, and the data outlives the module', async () => {
    const { storage } = await import('./manual/lib/syncAdapter.ts')
    await storage.set('session-token', '{"session":{}}', 60)
    expect(await storage.get('session-token')).toBe('{"session":{}}')
    expect(existsSync(join(scratch, '.sync-state.db'))).toBe(true)

    vi.resetModules() // as after HMR: a fresh module on the same file
    const again = await import('./manual/lib/syncAdapter.ts')
    expect(again.storage).not.toBe(storage)
    expect(await again.storage.get('session-token')).toBe('{"session":{}}')
  })

  it('lib/eventBus.ts delivers through ./.event-bus.db', async () => {
    const { eventBus } = await import('./manual/lib/eventBus.ts')
    const received: number[] = []
    eventBus.subscribeToTimestamp('payload', (ts) => received.push(ts))
    const now = Date.now()
    eventBus.notifyTimestampChange('payload', now)
    await eventually(() => expect(received).toEqual([now]))
    expect(existsSync(join(scratch, '.event-bus.db'))).toBe(true)
    await eventBus.close?.()
  })

  it('a custom event bus of just the two methods is an EventBus', async () => {
    const { customEventBus } = await import('./manual/lib/customEventBus.ts')
    const received: number[] = []
    const unsubscribe = customEventBus.subscribeToTimestamp('payload', (ts) => received.push(ts))
    customEventBus.notifyTimestampChange('payload', 1)
    unsubscribe()
    customEventBus.notifyTimestampChange('payload', 2)
    expect(received).toEqual([1])
  })
})

describe('manual: the Payload configuration example', () => {
  it('authenticates a Better Auth session and keeps the example access rule', async () => {
    vi.stubEnv('BETTER_AUTH_SECRET', TEST_BETTER_AUTH_SECRET)
    vi.stubEnv('BA_TO_PAYLOAD_SECRET', TEST_SYNC_SECRET)
    vi.stubEnv('PAYLOAD_SECRET', 'manual-example-payload-secret-0123456789')
    vi.stubEnv('INTERNAL_SERVER_URL', 'http://127.0.0.1:9')
    vi.resetModules() // fresh lib/ modules: an earlier case closed the event bus
    const { default: config } = await import('./manual/payload.config.ts')
    const { storage } = await import('./manual/lib/syncAdapter.ts')
    const payload = await getPayload({ config, key: 'manual-example' })
    try {
      // Better Auth writes the session into the same storage the example passes to Payload.
      const auth = await createTestAuth(storage)
      const session = await signUp(auth, 'manual@example.com')
      await syncCreate(payload, 'users', { email: session.email, baUserId: session.userId })

      const headers = browserHeaders({ cookie: session.cookie })
      const { user } = await payload.auth({ headers })
      expect(user).toMatchObject({
        email: session.email,
        baUserId: session.userId,
        _strategy: 'better-auth',
      })
      const asVisitor = payload.find({ collection: 'users', overrideAccess: false })
      await expect(asVisitor).rejects.toThrow()
      const asUser = await payload.find({
        collection: 'users',
        overrideAccess: false,
        user: user as never,
      })
      expect(asUser.totalDocs).toBe(1)
      expect(existsSync(join(scratch, 'payload.db'))).toBe(true)
    } finally {
      await payload.destroy()
      vi.unstubAllEnvs()
    }
  })
})

describeWithRedis('manual: Redis storage and event bus', (url) => {
  const raw = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true })
  const keys = ['ba:pba-manual-example', 'myapp:ba:pba-manual-example']
  beforeAll(() => {
    vi.stubEnv('REDIS_URL', url())
  })
  afterAll(async () => {
    await raw.del(...keys)
    raw.disconnect()
    vi.unstubAllEnvs()
  })

  it("lib/redisStorage.ts keeps keys under 'ba:'", async () => {
    const { storage } = await import('./manual/lib/redisStorage.ts')
    await storage.set('pba-manual-example', 'v', 60)
    expect(await raw.get('ba:pba-manual-example')).toBe('v')
  })

  it("the custom prefix example keeps keys under 'myapp:ba:'", async () => {
    const { storage } = await import('./manual/lib/redisStoragePrefixed.ts')
    await storage.set('pba-manual-example', 'v2', 60)
    expect(await raw.get('myapp:ba:pba-manual-example')).toBe('v2')
  })

  it('lib/redisEventBus.ts delivers over Pub/Sub', async () => {
    const { eventBus } = await import('./manual/lib/redisEventBus.ts')
    const received: number[] = []
    eventBus.subscribeToTimestamp('pba-manual-example', (ts) => received.push(ts))
    await eventBus.ready?.()
    eventBus.notifyTimestampChange('pba-manual-example', 123)
    await eventually(() => expect(received).toEqual([123]))
    await eventBus.close?.()
  })
})
