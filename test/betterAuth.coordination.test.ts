import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, createSqliteStorage } from 'payload-better-auth/storage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { eventually, sleep } from './helpers/eventually.ts'
import { startPayload, type TestPayload } from './helpers/payload.ts'
import { startPeer } from './helpers/peer.ts'
import { createSyncedAuth } from './helpers/syncedAuth.ts'
import { tempDir } from './helpers/tempDir.ts'

// The start-up protocol across instances: with two Better Auth instances of one app and Payload
// (re)starting, exactly one full reconcile runs per Payload start.

const dir = tempDir('coordination')
const apps: TestPayload[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

describe('start-up coordination', () => {
  it('two Better Auth instances and a Payload restart: one full reconcile per Payload start', async () => {
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const reconciles: string[] = []
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      if (String(args[0]).startsWith('[reconcile] full reconcile')) reconciles.push(String(args[0]))
    })
    const first = await startPayload('sqlite', { plugin: { storage, eventBus } })
    apps.push(first)
    let current = first
    const path = join(dir, 'ba.db')
    // Two instances of one Better Auth app: one database, started one after the other.
    const instances = []
    for (let i = 0; i < 2; i++) {
      instances.push(
        await createSyncedAuth({
          payload: async () => current.payload,
          config: first.payload.config,
          storage,
          eventBus,
          database: new DatabaseSync(path),
        }),
      )
    }
    expect(instances).toHaveLength(2)
    await eventually(() => expect(reconciles).toHaveLength(1))
    await sleep(400) // several ticks of both workers: nothing more runs
    expect(reconciles).toHaveLength(1)

    // Payload restarts: its onInit records a new timestamp and tells the bus.
    await sleep(5) // a later millisecond than the first start
    current = await startPayload('sqlite', { plugin: { storage, eventBus } })
    apps.push(current)
    await eventually(() => expect(reconciles).toHaveLength(2))
    await sleep(400)
    expect(reconciles).toHaveLength(2)

    // A third instance starting later sees a Payload start newer than Better Auth's last one, but
    // that start was already reconciled: the lock in the storage says so.
    await createSyncedAuth({
      payload: async () => current.payload,
      config: first.payload.config,
      storage,
      eventBus,
      database: new DatabaseSync(path),
    })
    await sleep(400)
    expect(reconciles).toHaveLength(2)
  })
})

describe('a killed Better Auth process', () => {
  it('loses no queued task: the next process applies every sign-up made while Payload was down', async () => {
    const storagePath = join(dir, 'killed-storage.db')
    const database = join(dir, 'killed-ba.db')
    const peer = await startPeer({ storage: { kind: 'sqlite', path: storagePath } })
    expect(await peer.request('signUpWhilePayloadIsDown', { database, count: 20 })).toBe(20)
    await peer.stop('SIGKILL')

    const storage = createSqliteStorage({ db: new DatabaseSync(storagePath) })
    const eventBus = createMemoryEventBus()
    const app = await startPayload('sqlite', { plugin: { storage, eventBus } })
    apps.push(app)
    expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(0)
    await createSyncedAuth({
      payload: async () => app.payload,
      config: app.payload.config,
      storage,
      eventBus,
      database: new DatabaseSync(database),
    })
    await eventually(
      async () => expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(20),
      {
        timeoutMs: 20_000,
      },
    )
    const emails = (
      await app.payload.find({ collection: 'users', limit: 100, sort: 'email' })
    ).docs.map((d) => d.email)
    expect(new Set(emails).size).toBe(20)
  })
})
