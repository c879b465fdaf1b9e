import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { eventually } from './helpers/eventually.ts'
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
