import { DatabaseSync } from 'node:sqlite'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, describe, expect, it } from 'vitest'
import { insertBetterAuthUsers } from './helpers/betterAuth.ts'
import { eventually } from './helpers/eventually.ts'
import { countWrites, startPayload, type TestPayload } from './helpers/payload.ts'
import { createSyncedAuth, RECONCILE_TOKEN } from './helpers/syncedAuth.ts'

// A full reconcile at scale: 10,000 Better Auth users into an empty Payload, then a second pass
// that finds everything in sync and writes nothing.

const USERS = Number(process.env.RECONCILE_SCALE_USERS ?? 10_000)

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
        timeoutMs: 240_000,
        intervalMs: 250,
      })
    }

    const started = Date.now()
    await runReconcile()
    const firstPassMs = Date.now() - started
    expect((await app.payload.count({ collection: 'users' })).totalDocs).toBe(USERS)
    expect(
      (await app.payload.count({ collection: '__better_auth_email_password' })).totalDocs,
    ).toBe(USERS)

    const writes = countWrites(app.payload)
    const secondStarted = Date.now()
    await runReconcile()
    const secondPassMs = Date.now() - secondStarted
    expect(writes).toEqual({ create: 0, update: 0, delete: 0 })
    console.log(
      `reconcile of ${USERS} users: first pass ${firstPassMs} ms, second (no-op) pass ${secondPassMs} ms`,
    )
  }, 600_000)
})
