import { DatabaseSync } from 'node:sqlite'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, describe, expect, it } from 'vitest'
import { insertBetterAuthUsers } from './helpers/betterAuth.ts'
import { eventually } from './helpers/eventually.ts'
import { countDatabaseWrites, startPayload, type TestPayload } from './helpers/payload.ts'
import { createSyncedAuth, RECONCILE_TOKEN } from './helpers/syncedAuth.ts'

// A full reconcile at scale: 100,000 Better Auth users into an empty Payload with the JavaScript
// heap bounded (pages of 500 on each side: nothing holds the whole user base), then a second pass
// that finds everything in sync and writes nothing.

const USERS = Number(process.env.RECONCILE_SCALE_USERS ?? 100_000)
/**
 * The live heap the first pass may add, whatever the number of users. Holding 100,000 users with
 * their Payload documents would take several times this.
 */
const HEAP_BOUND_MB = 64

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

describe('full reconcile at scale', () => {
  let app: TestPayload
  afterAll(() => app?.close())

  it(`brings ${USERS} users into an empty Payload, then a second pass writes nothing`, async () => {
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    app = await startPayload('sqlite', { plugin: { storage, eventBus } })
    const db = new DatabaseSync(':memory:')
    const { auth } = await createSyncedAuth({
      payload: async () => app.payload,
      config: app.payload.config,
      storage,
      eventBus,
      database: db,
    })
    insertBetterAuthUsers(db, USERS)

    const headers = { 'x-reconcile-token': RECONCILE_TOKEN }
    const call = (path: string, method = 'GET') =>
      auth.handler(new Request(`http://localhost:3000/api/auth${path}`, { method, headers }))
    const lastSeedAt = async () =>
      ((await (await call('/reconcile/status')).json()) as { lastSeedAt: string | null }).lastSeedAt
    const runReconcile = async () => {
      const before = await lastSeedAt()
      expect((await call('/reconcile/run', 'POST')).status).toBe(200)
      await eventually(async () => expect(await lastSeedAt()).not.toBe(before), {
        timeoutMs: 600_000,
        intervalMs: 250,
      })
    }

    // What the pass keeps alive: the heap right after a full collection, once a second.
    const liveHeap = () => {
      collectGarbage()
      return process.memoryUsage().heapUsed
    }
    const heapAtStart = liveHeap()
    let heapPeak = heapAtStart
    let samples = 0
    const sampler = setInterval(() => {
      samples++
      heapPeak = Math.max(heapPeak, liveHeap())
    }, 1_000)
    const started = Date.now()
    await runReconcile().finally(() => clearInterval(sampler))
    const firstPassMs = Date.now() - started
    const heapGrowthMb = (heapPeak - heapAtStart) / 1024 / 1024
    expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(USERS)
    expect(
      (await app.payload.count({ collection: '__better_auth_email_password' })).totalDocs,
    ).toBe(USERS)

    const writes = countDatabaseWrites(app.payload)
    const secondStarted = Date.now()
    await runReconcile()
    const secondPassMs = Date.now() - secondStarted
    expect(writes.count).toBe(0)
    console.log(
      `reconcile of ${USERS} users: first pass ${firstPassMs} ms (${Math.round(USERS / (firstPassMs / 1000))} users/s, live heap +${heapGrowthMb.toFixed(0)} MB at most), second (no-op) pass ${secondPassMs} ms`,
    )
    expect(heapGrowthMb).toBeLessThan(HEAP_BOUND_MB)
    // The server kept turning during the pass: SQLite answers synchronously behind its promises,
    // so without the reconcile's yields not one timer (or request) would run until the end.
    expect(samples).toBeGreaterThanOrEqual(Math.floor(firstPassMs / 4_000))
  }, 900_000)
})
