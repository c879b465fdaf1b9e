// `npm run bench`: what the library costs next to the raw clients, measured in one run on this
// machine. Prints tables; writes only temporary files, removed at the end.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import {
  createMemoryEventBus,
  createRedisEventBus,
  createSqlitePollingEventBus,
  type EventBus,
} from '../src/eventBus/index.ts'
import {
  createMemoryStorage,
  createRedisStorage,
  createSqliteStorage,
} from '../src/storage/index.ts'
import { reachable } from '../test/setup/reachable.ts'
import { type Comparison, compare, percentile } from './measure.ts'
import { benchRequestAuth } from './requestAuth.ts'
import { benchSignUpAtScale } from './scale.ts'
import { benchSharedDatabase } from './sharedDatabase.ts'
import { benchSync } from './sync.ts'
import { benchThroughLoadBalancer } from './throughput.ts'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const scratch = mkdtempSync(join(tmpdir(), 'pba-bench-'))
const VALUE = JSON.stringify({
  session: { id: 'x'.repeat(32), expiresAt: Date.now() },
  user: { email: 'a@b.c' },
})
const KEYS = 1_000
const key = (i: number) => `bench:${i % KEYS}`

interface Row {
  storage: string
  op: string
  'raw ops/s': string
  'wrapper ops/s': string
  ratio: string
}
const rows: Row[] = []
const record = (storage: string, op: string, c: Comparison) =>
  rows.push({
    storage,
    op,
    'raw ops/s': Math.round(1e9 / c.baselineNsPerOp).toLocaleString('en'),
    'wrapper ops/s': Math.round(1e9 / c.subjectNsPerOp).toLocaleString('en'),
    ratio: `${c.ratio.toFixed(2)}x`,
  })

async function benchStorages(redis: boolean) {
  // Memory: the raw "client" is a Map behind the same async call.
  const map = new Map<string, string>()
  const memory = createMemoryStorage()
  for (let i = 0; i < KEYS; i++) {
    map.set(key(i), VALUE)
    await memory.set(key(i), VALUE, 3600)
  }
  // (The 1.2x budget is for real clients; against a bare Map, TTL bookkeeping itself shows.)
  record(
    'memory (raw: bare Map, no TTL)',
    'get',
    await compare(
      async (i) => map.get(key(i)) ?? null,
      (i) => memory.get(key(i)),
      { n: 50_000 },
    ),
  )
  record(
    'memory (raw: bare Map, no TTL)',
    'set',
    await compare(
      async (i) => void map.set(key(i), VALUE),
      (i) => memory.set(key(i), VALUE, 3600),
      { n: 50_000 },
    ),
  )

  // SQLite: the raw client runs the same statements on its own handle to the same file.
  const path = join(scratch, 'storage.db')
  const sqlite = createSqliteStorage({ db: new DatabaseSync(path) })
  const raw = new DatabaseSync(path)
  raw.exec('PRAGMA synchronous = NORMAL') // per connection: the same setting the storage uses
  const rawGet = raw.prepare(
    'SELECT value FROM better_auth_kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
  )
  const rawSet = raw.prepare(
    'INSERT INTO better_auth_kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
  )
  for (let i = 0; i < KEYS; i++) await sqlite.set(key(i), VALUE, 3600)
  record(
    'sqlite (node:sqlite)',
    'get',
    await compare(
      (i) => rawGet.get(key(i), Date.now()),
      (i) => sqlite.get(key(i)),
      { n: 20_000 },
    ),
  )
  record(
    'sqlite (node:sqlite)',
    'set',
    await compare(
      (i) => rawSet.run(key(i), VALUE, Date.now() + 3_600_000),
      (i) => sqlite.set(key(i), VALUE, 3600),
      { n: 3_000 },
    ),
  )

  if (!redis) return
  const io = new Redis(REDIS_URL)
  const ioStorage = createRedisStorage({ redis: io, prefix: 'bench:pba:' })
  const node = createClient({ url: REDIS_URL })
  await node.connect()
  const nodeStorage = createRedisStorage({ redis: node, prefix: 'bench:pba:' })
  for (const inFlight of [1, 64]) {
    const mode = inFlight === 1 ? 'sequential' : `${inFlight} in flight`
    const n = inFlight === 1 ? 3_000 : 20_000
    record(
      'redis (ioredis)',
      `get, ${mode}`,
      await compare(
        (i) => io.get(`bench:pba:${key(i)}`),
        (i) => ioStorage.get(key(i)),
        { n, inFlight },
      ),
    )
    record(
      'redis (ioredis)',
      `set, ${mode}`,
      await compare(
        (i) => io.set(`bench:pba:${key(i)}`, VALUE, 'EX', 3600),
        (i) => ioStorage.set(key(i), VALUE, 3600),
        { n, inFlight },
      ),
    )
    record(
      'redis (node-redis)',
      `get, ${mode}`,
      await compare(
        (i) => node.get(`bench:pba:${key(i)}`),
        (i) => nodeStorage.get(key(i)),
        { n, inFlight },
      ),
    )
    record(
      'redis (node-redis)',
      `set, ${mode}`,
      await compare(
        (i) => node.set(`bench:pba:${key(i)}`, VALUE, { EX: 3600 }),
        (i) => nodeStorage.set(key(i), VALUE, 3600),
        { n, inFlight },
      ),
    )
  }
  const keys = await io.keys('bench:pba:*')
  for (let i = 0; i < keys.length; i += 500) await io.del(...keys.slice(i, i + 500))
  io.disconnect()
  node.destroy()
}

/** Time from notify to handler, `samples` times, one event at a time. */
async function latency(
  bus: EventBus,
  samples: number,
  maxGapMs: number,
): Promise<{ p50: number; p99: number }> {
  const times: number[] = []
  let resolveNext: (() => void) | undefined
  let sentAt = 0n
  const unsubscribe = bus.subscribeToTimestamp('bench', () => {
    times.push(Number(process.hrtime.bigint() - sentAt) / 1e6)
    resolveNext?.()
  })
  await bus.ready?.()
  for (let i = 0; i < samples; i++) {
    const received = new Promise<void>((resolve) => {
      resolveNext = resolve
    })
    sentAt = process.hrtime.bigint()
    bus.notifyTimestampChange('bench', Date.now())
    await received
    // Random gaps, so that a polling bus gets events at random points of its interval.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * maxGapMs))
  }
  unsubscribe()
  return { p50: percentile(times, 50), p99: percentile(times, 99) }
}

async function benchEventBuses(redis: boolean) {
  const results: Array<{
    'event bus': string
    samples: number
    'p50 ms': string
    'p99 ms': string
  }> = []
  const add = (name: string, samples: number, r: { p50: number; p99: number }) =>
    results.push({
      'event bus': name,
      samples,
      'p50 ms': r.p50.toFixed(3),
      'p99 ms': r.p99.toFixed(3),
    })

  const memory = createMemoryEventBus()
  add('memory', 1_000, await latency(memory, 1_000, 2))
  await memory.close()

  if (redis) {
    const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)] as const
    const bus = createRedisEventBus({
      publisher: clients[0],
      subscriber: clients[1],
      channelPrefix: 'bench:eventbus:',
    })
    add('redis pub/sub (ioredis)', 1_000, await latency(bus, 1_000, 2))
    await bus.close()
    for (const client of clients) client.disconnect()
  }

  for (const pollInterval of [100, 20]) {
    const db = new DatabaseSync(join(scratch, `bus-${pollInterval}.db`))
    const bus = createSqlitePollingEventBus({ db, pollInterval })
    const samples = pollInterval === 100 ? 60 : 150
    add(
      `sqlite polling (pollInterval ${pollInterval} ms)`,
      samples,
      await latency(bus, samples, pollInterval),
    )
    await bus.close()
    db.close()
  }
  return results
}

const redis = await reachable(REDIS_URL)
console.log(
  `payload-better-auth benchmark — Node ${process.version}, Redis ${redis ? REDIS_URL : 'not reachable: Redis rows skipped'}`,
)
console.log(
  '\nStorage: wrapper vs the raw client doing the same calls, same run (ratio = wrapper time / raw time)',
)
await benchStorages(redis)
console.table(rows)
console.log(
  'Event delivery latency, notify -> handler, same process (Redis: separate publisher and subscriber connections)',
)
console.table(await benchEventBuses(redis))

console.log(
  'Request authentication: payload.auth() with a Better Auth cookie (ratio = better-auth time / baseline time)',
)
const authRows = await benchRequestAuth(
  'sqlite (node:sqlite)',
  createSqliteStorage({ db: new DatabaseSync(join(scratch, 'sessions.db')) }),
  scratch,
)
if (redis) {
  const client = new Redis(REDIS_URL)
  authRows.push(
    ...(await benchRequestAuth(
      'redis (ioredis)',
      createRedisStorage({ redis: client, prefix: 'bench:auth:' }),
      scratch,
    )),
  )
  const keys = await client.keys('bench:auth:*')
  if (keys.length > 0) await client.del(...keys)
  client.disconnect()
}
console.table(authRows)

console.log(
  "Better Auth -> Payload sync (SQLite storage, Payload on SQLite with its default settings); the first full reconcile writes new users in batches through Payload's database adapter",
)
const sync = await benchSync(scratch)
console.table(sync.signUps)
console.table(sync.reconcile)
console.log(
  'Sign-up -> Payload with many session keys in Redis (private redis-server; Payload on SQLite)',
)
console.table(await benchSignUpAtScale(scratch))
console.log(
  'Shared database: Better Auth through payloadAdapter vs its Kysely adapter, one SQLite file, no secondary storage (ratio = payloadAdapter time / kysely time)',
)
console.table(await benchSharedDatabase(scratch))
console.log(
  'Authenticated Payload REST reads per second (GET /api/posts) through HAProxy: the production build, 2 app instances, the Better Auth service, private PostgreSQL and Redis ("vs ours" = requests/s / ours)',
)
console.table(await benchThroughLoadBalancer())
rmSync(scratch, { recursive: true, force: true })
