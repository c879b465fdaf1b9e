// The Better Auth → Payload sync: how long a sign-up takes with the inline sync (the Payload user
// exists when it returns) next to the same sign-up without the plugin, and full-reconcile
// throughput for a first pass into an empty Payload and a second pass that finds nothing to do.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { createMemoryEventBus } from '../src/eventBus/index.ts'
import { createSqliteStorage } from '../src/storage/index.ts'
import { insertBetterAuthUsers, TEST_BETTER_AUTH_SECRET } from '../test/helpers/betterAuth.ts'
import { createSyncedAuth, RECONCILE_TOKEN } from '../test/helpers/syncedAuth.ts'
import { percentile } from './measure.ts'
import { benchPayload } from './payloadInstance.ts'

const SIGN_UPS = 100
const RECONCILE_USERS = 10_000

export async function benchSync(dir: string) {
  const storage = createSqliteStorage({ db: new DatabaseSync(join(dir, 'sync-storage.db')) })
  const eventBus = createMemoryEventBus()
  const { config, payload } = await benchPayload({
    name: 'sync-payload',
    dir,
    storage,
    eventBus,
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
  const database = new DatabaseSync(join(dir, 'sync-ba.db'))
  const { auth } = await createSyncedAuth({
    payload: async () => payload,
    config,
    storage,
    eventBus,
    database,
  })
  const plain = betterAuth({
    baseURL: 'http://localhost:3000',
    secret: TEST_BETTER_AUTH_SECRET,
    database: new DatabaseSync(join(dir, 'plain-ba.db')),
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
  })
  await (await getMigrations(plain.options)).runMigrations()

  const timeSignUps = async (target: typeof plain, label: string) => {
    const times: number[] = []
    for (let i = 0; i < SIGN_UPS; i++) {
      const started = performance.now()
      await target.api.signUpEmail({
        body: { email: `${label}-${i}@example.com`, password: 'correct-horse-battery', name: 'B' },
      })
      times.push(performance.now() - started)
    }
    return times
  }
  const without = await timeSignUps(plain, 'plain')
  const withSync = await timeSignUps(auth as unknown as typeof plain, 'synced')
  const visible = (
    await payload.count({ collection: 'users', where: { email: { like: 'synced-' } } })
  ).totalDocs

  // Reconcile throughput: users written straight into Better Auth's database.
  insertBetterAuthUsers(database, RECONCILE_USERS, 'bench-user-')
  const total = SIGN_UPS + RECONCILE_USERS
  const reconcile = async () => {
    const status = () =>
      auth
        .handler(
          new Request('http://localhost:3000/api/auth/reconcile/status', {
            headers: { 'x-reconcile-token': RECONCILE_TOKEN },
          }),
        )
        .then((r) => r.json() as Promise<{ lastSeedAt: string | null }>)
    const before = (await status()).lastSeedAt
    const started = performance.now()
    await auth.handler(
      new Request('http://localhost:3000/api/auth/reconcile/run', {
        method: 'POST',
        headers: { 'x-reconcile-token': RECONCILE_TOKEN },
      }),
    )
    while ((await status()).lastSeedAt === before)
      await new Promise((resolve) => setTimeout(resolve, 50))
    return performance.now() - started
  }
  const firstMs = await reconcile()
  const secondMs = await reconcile()
  await payload.destroy()

  return {
    signUps: [
      {
        'sign-up': 'Better Auth alone',
        n: SIGN_UPS,
        'p50 ms': percentile(without, 50).toFixed(1),
        'p99 ms': percentile(without, 99).toFixed(1),
        'in Payload on return': '-',
      },
      {
        'sign-up': 'with the sync (inline)',
        n: SIGN_UPS,
        'p50 ms': percentile(withSync, 50).toFixed(1),
        'p99 ms': percentile(withSync, 99).toFixed(1),
        'in Payload on return': `${visible}/${SIGN_UPS}`,
      },
    ],
    reconcile: [
      {
        pass: 'first (into an empty Payload)',
        users: total,
        seconds: (firstMs / 1000).toFixed(1),
        'users/s': Math.round(total / (firstMs / 1000)),
      },
      {
        pass: 'second (all in sync, no writes)',
        users: total,
        seconds: (secondMs / 1000).toFixed(1),
        'users/s': Math.round(total / (secondMs / 1000)),
      },
    ],
  }
}
