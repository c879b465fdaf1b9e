// A sign-up's inline sync (the Payload user exists when it returns) against a Redis holding many
// other keys, as a busy site's sessions: the queue finds its work through its own index, so the
// cost must not grow with the store. A private redis-server on a free port holds the keys; the
// key-value fallback (a custom storage without `syncQueue`, which lists keys) is shown beside it.
import { Redis } from 'ioredis'
import { createMemoryEventBus } from '../src/eventBus/index.ts'
import { createRedisStorage, type SecondaryStorage } from '../src/storage/index.ts'
import { hasRedisServer, startPrivateRedis } from '../test/helpers/privateRedis.ts'
import { createSyncedAuth } from '../test/helpers/syncedAuth.ts'
import { percentile } from './measure.ts'
import { benchPayload } from './payloadInstance.ts'

const SIGN_UPS = 200
/** Unmeasured first sign-ups of each run: JIT, connections, Redis finishing a rehash. */
const WARM_UP = 20
const FALLBACK_SIGN_UPS = 20
const SESSION = JSON.stringify({ session: { id: 'x'.repeat(32), token: 'y'.repeat(32) } })

/** Adds session-like keys under the storage's prefix until the store holds `total` of them. */
async function fill(client: Redis, from: number, total: number) {
  for (let start = from; start < total; start += 1_000) {
    const args: string[] = []
    for (let i = start; i < Math.min(total, start + 1_000); i++) args.push(`ba:sess-${i}`, SESSION)
    await client.mset(...args)
  }
}

export async function benchSignUpAtScale(dir: string) {
  if (!hasRedisServer) return [{ note: 'redis-server is not installed: skipped' }]
  const redis = await startPrivateRedis()
  const client = new Redis(redis.url)
  const rows: Array<Record<string, string | number>> = []
  try {
    let label = 0
    // Each run a prefix of its own: an earlier run's worker (its timers live on) must not take
    // this run's tasks.
    const storageFor = (fallback: boolean) => {
      const storage = createRedisStorage({ redis: client, prefix: `run${label}:` })
      if (!fallback) return storage
      const { syncQueue: _, ...custom } = storage
      return custom
    }
    const run = async (name: string, storage: SecondaryStorage, keys: number, count: number) => {
      const eventBus = createMemoryEventBus()
      const { config, payload } = await benchPayload({
        name: `scale-${label}`,
        dir,
        storage,
        eventBus,
        collections: [
          { slug: 'users', fields: [{ name: 'email', type: 'email', required: true }] },
        ],
      })
      const { auth } = await createSyncedAuth({
        payload: async () => payload,
        config,
        storage,
        eventBus,
      })
      const times: number[] = []
      for (let i = -WARM_UP; i < count; i++) {
        const started = performance.now()
        await auth.api.signUpEmail({
          body: {
            email: i < 0 ? `warm-up-${label}-${-i}@example.com` : `scale-${label}-${i}@example.com`,
            password: 'correct-horse-battery',
            name: 'S',
          },
        })
        if (i >= 0) times.push(performance.now() - started)
      }
      const inPayload = (
        await payload.count({
          collection: 'users',
          where: { email: { like: `scale-${label}-` } },
        })
      ).totalDocs
      await payload.destroy()
      label++
      return { name, keys, times, inPayload, count }
    }

    const results = []
    let filled = 0
    for (const keys of [0, 100_000, 1_000_000]) {
      await fill(client, filled, keys)
      filled = keys
      results.push(await run('syncQueue (sorted set)', storageFor(false), keys, SIGN_UPS))
      if (keys === 100_000) {
        results.push(
          await run(
            'key-value fallback (listKeys: SCAN)',
            storageFor(true),
            keys,
            FALLBACK_SIGN_UPS,
          ),
        )
      }
    }
    const empty = results[0] as (typeof results)[number]
    for (const result of results) {
      rows.push({
        queue: result.name,
        'session keys': result.keys.toLocaleString('en'),
        'sign-ups': result.count,
        'p50 ms': percentile(result.times, 50).toFixed(1),
        'p99 ms': percentile(result.times, 99).toFixed(1),
        'p99 / empty store': `${(percentile(result.times, 99) / percentile(empty.times, 99)).toFixed(2)}x`,
        'in Payload on return': `${result.inPayload}/${result.count}`,
      })
    }
  } finally {
    client.disconnect()
    await redis.stop()
  }
  return rows
}
