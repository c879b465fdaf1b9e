import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import {
  createMemoryStorage,
  createRedisStorage,
  createSqliteStorage,
  type ListableStorage,
} from 'payload-better-auth/storage'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyValueSyncQueue } from '../src/storage/syncQueue/keyValue.ts'
import type { SyncQueueStore } from '../src/storage/types.ts'
import { sleep } from './helpers/eventually.ts'
import {
  cleanupPrefixAfterAll,
  describeWithRedis,
  redisClientKinds,
  uniquePrefix,
} from './helpers/redis.ts'
import { tempDir } from './helpers/tempDir.ts'

/**
 * One queue under test. `handles` are independent handles on the same data (other connections,
 * database handles or queue instances) so that concurrency cases really race and cross-handle
 * cases really share; `handles[0]` is the main one. Every `open` gives an empty queue.
 */
interface QueueUnderTest {
  handles: SyncQueueStore[]
  close(): Promise<void>
}

interface Backend {
  name: string
  /** How many handles `open` returns: with more than one, the sharing case runs. */
  handles: number
  /**
   * False for the key-value fallback, atomic per key only: a reschedule racing a settle of the
   * same version (which a group's lease prevents) may bring the task back (documented there).
   */
  atomicAcrossKeys?: false
  open(): Promise<QueueUnderTest>
}

/** Explicit clock values for `due`: far from Date.now(), and nothing here waits on them. */
const t0 = 1_000_000_000

const oddGroups = [
  'user:a:b',
  'user:a',
  'user:a:b:',
  'x%_*?[y]',
  'x%_*?[y]z',
  '{hash}tag',
  'with space\tand\nnewline "quoted" \\ back',
  'héllo — 你好 — 🚀👩‍👩‍👧',
]

function syncQueueContract(backend: Backend) {
  describe(`SyncQueueStore contract: ${backend.name}`, () => {
    let store: QueueUnderTest
    let queue: SyncQueueStore
    /** A group name no other test (and no other backend on the same Redis) uses. */
    let group: (label: string) => string
    /** This test's unique token, the part of `group` names that keeps them apart. */
    let run: string
    /** The handle for the i-th of many concurrent calls. */
    const handle = (i: number) => store.handles[i % store.handles.length] as SyncQueueStore

    beforeEach(async () => {
      store = await backend.open()
      queue = store.handles[0] as SyncQueueStore
      run = randomUUID()
      group = (label) => `${label}:${run}`
    })
    afterEach(() => store.close())

    it('put returns a version; read returns task, version and notBefore; unknown is null', async () => {
      const g = group('one')
      expect(await queue.read(g)).toBeNull()
      expect(await queue.size()).toBe(0)

      const version = await queue.put(g, '{"op":"create","id":1}', t0 + 5)
      expect(typeof version).toBe('number')
      expect(Number.isFinite(version)).toBe(true)
      expect(await queue.read(g)).toEqual({
        task: '{"op":"create","id":1}',
        version,
        notBefore: t0 + 5,
      })
      expect(await queue.read(group('never-put'))).toBeNull()
      expect(await queue.size()).toBe(1)
    })

    it('a second put on a group supersedes the first; size counts groups, not puts', async () => {
      const g = group('twice')
      const other = group('other')
      const first = await queue.put(g, 'first', t0)
      const second = await queue.put(g, 'second', t0 + 100)
      expect(second).not.toBe(first)
      expect(second).toBeGreaterThan(first)
      expect(await queue.read(g)).toEqual({ task: 'second', version: second, notBefore: t0 + 100 })

      const third = await queue.put(g, 'third', t0 + 50)
      expect(third).toBeGreaterThan(second)
      await queue.put(other, 'other', t0)
      expect(await queue.read(g)).toEqual({ task: 'third', version: third, notBefore: t0 + 50 })
      expect(await queue.size()).toBe(2)
      // The superseded due times are gone: the group is due once, at its latest notBefore.
      expect(await queue.due(t0 + 49, 10)).toEqual([other])
      expect(await queue.due(t0 + 50, 10)).toEqual([other, g])
    })

    it('due lists only groups due at now, the longest due first, at most limit', async () => {
      const a = group('a')
      const b = group('b')
      const c = group('c')
      const later = group('later')
      await queue.put(a, 'A', t0 + 300)
      await queue.put(b, 'B', t0 + 100)
      await queue.put(c, 'C', t0 + 200)
      await queue.put(later, 'L', t0 + 10_000)

      expect(await queue.due(t0 + 50, 10)).toEqual([])
      expect(await queue.due(t0 + 100, 10)).toEqual([b])
      expect(await queue.due(t0 + 150, 10)).toEqual([b])
      expect(await queue.due(t0 + 500, 10)).toEqual([b, c, a])
      expect(await queue.due(t0 + 500, 2)).toEqual([b, c])
      expect(await queue.due(t0 + 500, 1)).toEqual([b])
      // The future one appears once its time has come, last since it became due last.
      expect(await queue.due(t0 + 9_999, 10)).toEqual([b, c, a])
      expect(await queue.due(t0 + 10_000, 10)).toEqual([b, c, a, later])
      expect(await queue.due(t0 + 10_000, 3)).toEqual([b, c, a])

      // A new put moves a group to its new due time.
      await queue.put(b, 'B2', t0 + 20_000)
      await queue.put(later, 'L2', t0)
      expect(await queue.due(t0 + 500, 10)).toEqual([later, c, a])
      // due only reads: the tasks are all still there.
      expect(await queue.size()).toBe(4)
    })

    it('reschedule at the current version replaces task and due time', async () => {
      const g = group('retry')
      const version = await queue.put(g, 'attempt-1', t0 + 1_000)
      expect(await queue.due(t0, 10)).toEqual([])

      // Earlier: the group enters due.
      expect(await queue.reschedule(g, version, 'attempt-2', t0 - 10)).toBe(true)
      const moved = await queue.read(g)
      expect(moved).toMatchObject({ task: 'attempt-2', notBefore: t0 - 10 })
      expect(await queue.due(t0, 10)).toEqual([g])

      // Later: the group leaves due.
      const current = (moved as { version: number }).version
      expect(await queue.reschedule(g, current, 'attempt-3', t0 + 5_000)).toBe(true)
      expect(await queue.read(g)).toMatchObject({ task: 'attempt-3', notBefore: t0 + 5_000 })
      expect(await queue.due(t0, 10)).toEqual([])
      expect(await queue.due(t0 + 5_000, 10)).toEqual([g])
      expect(await queue.size()).toBe(1)
    })

    it('reschedule at a stale version changes nothing and answers false', async () => {
      const g = group('stale-retry')
      const old = await queue.put(g, 'old', t0)
      const newer = await queue.put(g, 'newer', t0 + 1_000)

      expect(await queue.reschedule(g, old, 'old-retry', t0 - 100)).toBe(false)
      expect(await queue.read(g)).toEqual({ task: 'newer', version: newer, notBefore: t0 + 1_000 })
      expect(await queue.due(t0, 10)).toEqual([])

      // A group with no task is not created by a reschedule.
      const gone = group('gone')
      expect(await queue.reschedule(gone, old, 'ghost', t0)).toBe(false)
      expect(await queue.read(gone)).toBeNull()
      expect(await queue.due(t0, 10)).toEqual([])
      expect(await queue.size()).toBe(1)
    })

    it('settle at the current version removes the task', async () => {
      const g = group('done')
      const keep = group('keep')
      await queue.put(keep, 'keep', t0)
      const version = await queue.put(g, 'work', t0 - 1)
      expect(await queue.size()).toBe(2)
      expect(await queue.due(t0, 10)).toEqual([g, keep])

      expect(await queue.settle(g, version)).toBe(true)
      expect(await queue.read(g)).toBeNull()
      expect(await queue.size()).toBe(1)
      expect(await queue.due(t0, 10)).toEqual([keep])
      // Settling again, or settling a group that never had a task, finds nothing.
      expect(await queue.settle(g, version)).toBe(false)
      expect(await queue.settle(group('never'), version)).toBe(false)
      expect(await queue.size()).toBe(1)

      // A rescheduled task settles at the version it now reads with.
      const retried = await queue.put(g, 'again', t0)
      expect(await queue.reschedule(g, retried, 'again-2', t0 + 10)).toBe(true)
      const now = (await queue.read(g)) as { version: number }
      expect(await queue.settle(g, now.version)).toBe(true)
      expect(await queue.read(g)).toBeNull()
      expect(await queue.size()).toBe(1)
    })

    it('settle at a stale version answers false and the newer task stays', async () => {
      const g = group('superseded')
      const ran = await queue.put(g, 'ran', t0)
      const newer = await queue.put(g, 'arrived-meanwhile', t0 + 1)

      expect(await queue.settle(g, ran)).toBe(false)
      expect(await queue.read(g)).toEqual({
        task: 'arrived-meanwhile',
        version: newer,
        notBefore: t0 + 1,
      })
      expect(await queue.size()).toBe(1)
      expect(await queue.due(t0 + 1, 10)).toEqual([g])
    })

    it('records: keep, list, count and take per kind, the kinds independent', async () => {
      const dead = group('dead')
      const failed = group('failed')
      await queue.keep(dead, 'a', 'A', 60_000)
      await queue.keep(dead, 'b', 'B', 30_000)
      await queue.keep(dead, 'c', 'C', 90_000)
      await queue.keep(failed, 'a', 'failure-a', 60_000)

      expect(await queue.count(dead)).toBe(3)
      expect(await queue.count(failed)).toBe(1)
      expect(await queue.count(group('no-such-kind'))).toBe(0)
      expect(await queue.list(group('no-such-kind'), 10)).toEqual([])
      // The latest to expire first, at most limit.
      expect(await queue.list(dead, 10)).toEqual([
        { id: 'c', value: 'C' },
        { id: 'a', value: 'A' },
        { id: 'b', value: 'B' },
      ])
      expect(await queue.list(dead, 2)).toEqual([
        { id: 'c', value: 'C' },
        { id: 'a', value: 'A' },
      ])
      expect(await queue.list(failed, 10)).toEqual([{ id: 'a', value: 'failure-a' }])

      // take returns the value once; the same id in another kind is untouched.
      expect(await queue.take(dead, 'a')).toBe('A')
      expect(await queue.take(dead, 'a')).toBeNull()
      expect(await queue.take(dead, 'missing')).toBeNull()
      expect(await queue.count(dead)).toBe(2)
      expect(await queue.list(dead, 10)).toEqual([
        { id: 'c', value: 'C' },
        { id: 'b', value: 'B' },
      ])
      expect(await queue.count(failed)).toBe(1)
      expect(await queue.take(failed, 'a')).toBe('failure-a')
      expect(await queue.count(failed)).toBe(0)
      expect(await queue.list(failed, 10)).toEqual([])

      // keep with an existing id replaces the record, and its place in the order.
      await queue.keep(dead, 'b', 'B2', 120_000)
      expect(await queue.count(dead)).toBe(2)
      expect(await queue.list(dead, 10)).toEqual([
        { id: 'b', value: 'B2' },
        { id: 'c', value: 'C' },
      ])
      // The queue's tasks are not records, nor the other way round.
      expect(await queue.size()).toBe(0)
    })

    it('an expired record is absent from list, count and take; keep replaces the expiry', async () => {
      const kind = group('expiring')
      await queue.keep(kind, 'short', 's', 50)
      await queue.keep(kind, 'long', 'l', 60_000)
      await queue.keep(kind, 'shortened', 'v1', 60_000)
      await queue.keep(kind, 'shortened', 'v2', 50)
      await queue.keep(kind, 'lengthened', 'w1', 50)
      await queue.keep(kind, 'lengthened', 'w2', 60_000)
      expect(await queue.count(kind)).toBe(4)

      await sleep(120)
      expect(await queue.count(kind)).toBe(2)
      const listed = await queue.list(kind, 10)
      expect(listed.map((record) => record.id).sort()).toEqual(['lengthened', 'long'])
      expect(listed.find((record) => record.id === 'lengthened')?.value).toBe('w2')
      expect(await queue.take(kind, 'short')).toBeNull()
      expect(await queue.take(kind, 'shortened')).toBeNull()
      expect(await queue.take(kind, 'lengthened')).toBe('w2')
      expect(await queue.count(kind)).toBe(1)
      expect(await queue.list(kind, 10)).toEqual([{ id: 'long', value: 'l' }])
    })

    it('20 concurrent puts on one group leave one task, at the greatest version returned', async () => {
      for (let round = 0; round < 3; round++) {
        const g = group(`hot-${round}`)
        const versions = await Promise.all(
          Array.from({ length: 20 }, (_, i) => handle(i).put(g, `task-${i}`, t0 + i)),
        )
        expect(new Set(versions).size).toBe(20)
        const greatest = Math.max(...versions)
        const winner = versions.indexOf(greatest)
        expect(await queue.read(g)).toEqual({
          task: `task-${winner}`,
          version: greatest,
          notBefore: t0 + winner,
        })
        expect(await queue.size()).toBe(round + 1)
        expect((await queue.due(t0 + 100, 100)).filter((name) => name === g)).toEqual([g])
      }
    })

    it('concurrent settles of one version: exactly one wins', async () => {
      for (let round = 0; round < 5; round++) {
        const g = group(`settle-race-${round}`)
        const version = await queue.put(g, 'work', t0)
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => handle(i).settle(g, version)),
        )
        expect(results.filter((settled) => settled)).toHaveLength(1)
        expect(await queue.read(g)).toBeNull()
        expect(await queue.size()).toBe(0)
      }
    })

    it('a settle racing a newer put never removes the newer task', async () => {
      for (let round = 0; round < 10; round++) {
        const g = group(`put-vs-settle-${round}`)
        const ran = await queue.put(g, 'ran', t0)
        const [settled, newer] = await Promise.all([
          handle(round).settle(g, ran),
          handle(round + 1).put(g, 'newer', t0 + 1),
        ])
        expect(typeof settled).toBe('boolean')
        expect(await queue.read(g)).toEqual({ task: 'newer', version: newer, notBefore: t0 + 1 })
        expect(await queue.settle(g, newer)).toBe(true)
      }
      expect(await queue.size()).toBe(0)
    })

    it.skipIf(backend.atomicAcrossKeys === false)(
      'a reschedule racing a settle of the same version: a settled task never comes back',
      async () => {
        for (let round = 0; round < 10; round++) {
          const g = group(`reschedule-vs-settle-${round}`)
          const version = await queue.put(g, 'ran', t0)
          // Each call starts first in half the rounds.
          const reschedule = () => handle(round).reschedule(g, version, 'retry', t0 + 1)
          const settle = () => handle(round + 1).settle(g, version)
          const [rescheduled, settled] =
            round % 2 === 0
              ? await Promise.all([reschedule(), settle()])
              : await Promise.all([settle(), reschedule()]).then(([s, r]) => [r, s] as const)
          const left = await queue.read(g)
          if (settled) {
            // Whichever went first, the settle removed the task (rescheduled or not).
            expect(left).toBeNull()
          } else {
            // Only a reschedule that gave the task a new version can make the settle miss it.
            expect(rescheduled).toBe(true)
            expect(left).toMatchObject({ task: 'retry', notBefore: t0 + 1 })
          }
        }
      },
    )

    it('group names with separators, wildcards and unicode round-trip and stay apart', async () => {
      // The odd part at the end and at the start of the name.
      const all = [...oddGroups.map((name) => `${run}:${name}`), ...oddGroups.map(group)]
      const versions = new Map<string, number>()
      for (const [i, name] of all.entries()) {
        versions.set(name, await queue.put(name, `task for ${name}`, t0 + i))
      }
      expect(await queue.size()).toBe(all.length)
      for (const [i, name] of all.entries()) {
        expect(await queue.read(name)).toEqual({
          task: `task for ${name}`,
          version: versions.get(name),
          notBefore: t0 + i,
        })
      }
      expect(await queue.due(t0 + all.length, 100)).toEqual(all)

      // Settling 'user:a' leaves 'user:a:b' and 'user:a:b:' alone, and so on.
      for (const name of all.filter((_, i) => i % 2 === 0)) {
        expect(await queue.settle(name, versions.get(name) as number)).toBe(true)
      }
      const left = all.filter((_, i) => i % 2 === 1)
      expect(await queue.due(t0 + all.length, 100)).toEqual(left)
      for (const name of left) expect((await queue.read(name))?.task).toBe(`task for ${name}`)
      expect(await queue.size()).toBe(left.length)
    })

    it('record kinds and ids with separators, wildcards and unicode stay apart', async () => {
      const base = group('kind')
      // 'k:a' + 'b' and 'k' + 'a:b' must not collide, whatever separator the store uses.
      await queue.keep(`${base}:a`, 'b', 'kind-a id-b', 60_000)
      await queue.keep(base, 'a:b', 'kind id-a:b', 60_000)
      await queue.keep(base, 'x%_*?[y]', 'wild', 60_000)
      await queue.keep(base, 'x%_*?[y]z', 'wild-z', 60_000)
      await queue.keep(base, '🚀 ключ', 'unicode', 60_000)
      await queue.keep(`${base} 你好`, 'a:b', 'unicode kind', 60_000)

      expect(await queue.count(`${base}:a`)).toBe(1)
      expect(await queue.count(base)).toBe(4)
      expect(await queue.count(`${base} 你好`)).toBe(1)
      expect(await queue.list(`${base}:a`, 10)).toEqual([{ id: 'b', value: 'kind-a id-b' }])
      expect((await queue.list(base, 10)).map((record) => record.id).sort()).toEqual(
        ['a:b', 'x%_*?[y]', 'x%_*?[y]z', '🚀 ключ'].sort(),
      )
      expect(await queue.take(base, 'x%_*?[y]')).toBe('wild')
      expect(await queue.take(base, 'x%_*?[y]z')).toBe('wild-z')
      expect(await queue.take(base, '🚀 ключ')).toBe('unicode')
      expect(await queue.take(base, 'a:b')).toBe('kind id-a:b')
      expect(await queue.take(`${base}:a`, 'b')).toBe('kind-a id-b')
      expect(await queue.take(`${base} 你好`, 'a:b')).toBe('unicode kind')
    })

    it.runIf(backend.handles > 1)(
      'every handle sees the tasks and records of the others',
      async () => {
        const [first, second, third = second] = store.handles as [
          SyncQueueStore,
          SyncQueueStore,
          SyncQueueStore?,
        ]
        const g = group('shared')
        const version = await first.put(g, 'from the first', t0)
        expect(await second.read(g)).toEqual({ task: 'from the first', version, notBefore: t0 })
        expect(await third.due(t0, 10)).toEqual([g])
        expect(await third.size()).toBe(1)

        const newer = await second.put(g, 'from the second', t0 + 1)
        expect(newer).toBeGreaterThan(version)
        expect(await third.settle(g, version)).toBe(false)
        expect(await first.read(g)).toMatchObject({ task: 'from the second', version: newer })
        expect(await third.settle(g, newer)).toBe(true)
        expect(await first.read(g)).toBeNull()
        expect(await second.size()).toBe(0)

        const kind = group('shared-records')
        await second.keep(kind, 'r', 'record', 60_000)
        expect(await first.count(kind)).toBe(1)
        expect(await third.list(kind, 10)).toEqual([{ id: 'r', value: 'record' }])
        expect(await first.take(kind, 'r')).toBe('record')
        expect(await second.take(kind, 'r')).toBeNull()
      },
    )
  })
}

/** Only the key-value methods of a storage: what a custom storage offers the fallback. */
function keyValueOnly(storage: ListableStorage): ListableStorage {
  return {
    get: (key) => storage.get(key),
    set: (key, value, ttl) => storage.set(key, value, ttl),
    delete: (key) => storage.delete(key),
    getAndDelete: (key) => storage.getAndDelete(key),
    increment: (key, ttl) => storage.increment(key, ttl),
    listKeys: (prefix) => storage.listKeys(prefix),
  }
}

syncQueueContract({
  name: 'createMemoryStorage().syncQueue',
  handles: 1,
  open: async () => ({ handles: [createMemoryStorage().syncQueue], close: async () => {} }),
})

syncQueueContract({
  name: 'keyValueSyncQueue over a key-value-only storage (two queues on it)',
  handles: 2,
  atomicAcrossKeys: false,
  open: async () => {
    const storage = keyValueOnly(createMemoryStorage())
    return {
      handles: [keyValueSyncQueue(storage), keyValueSyncQueue(storage)],
      close: async () => {},
    }
  },
})

syncQueueContract({
  name: "createSqliteStorage({ db: ':memory:' }).syncQueue",
  handles: 1,
  open: async () => {
    const db = new DatabaseSync(':memory:')
    return {
      handles: [createSqliteStorage({ db }).syncQueue],
      close: async () => db.close(),
    }
  },
})

const sqliteDir = tempDir('sync-queue')
let sqliteFiles = 0
const sqliteFile = () => join(sqliteDir, `queue-${sqliteFiles++}.db`)

syncQueueContract({
  name: 'createSqliteStorage().syncQueue, three storages on one file',
  handles: 3,
  open: async () => {
    const path = sqliteFile()
    const dbs = [new DatabaseSync(path), new DatabaseSync(path), new DatabaseSync(path)]
    return {
      handles: dbs.map((db) => createSqliteStorage({ db }).syncQueue),
      close: async () => {
        for (const db of dbs) db.close()
      },
    }
  },
})

describe('createSqliteStorage().syncQueue on a file', () => {
  it('keeps tasks and records when the file is closed and opened again', async () => {
    const path = sqliteFile()
    const before = new DatabaseSync(path)
    const queue = createSqliteStorage({ db: before }).syncQueue
    const version = await queue.put('durable', 'survives', t0)
    await queue.keep('dead', 'letter', 'kept', 60_000)
    before.close()

    const after = new DatabaseSync(path)
    try {
      const reopened = createSqliteStorage({ db: after }).syncQueue
      expect(await reopened.read('durable')).toEqual({ task: 'survives', version, notBefore: t0 })
      expect(await reopened.due(t0, 10)).toEqual(['durable'])
      expect(await reopened.take('dead', 'letter')).toBe('kept')
      // Versions keep growing across the reopen, so a stale settle still fails.
      const newer = await reopened.put('durable', 'newer', t0)
      expect(newer).toBeGreaterThan(version)
      expect(await reopened.settle('durable', version)).toBe(false)
      expect(await reopened.settle('durable', newer)).toBe(true)
    } finally {
      after.close()
    }
  })
})

describeWithRedis('Redis sync queues', (url) => {
  const prefix = uniquePrefix('sync-queue')
  cleanupPrefixAfterAll(url, () => prefix)
  let run = 0
  for (const kind of redisClientKinds) {
    syncQueueContract({
      name: `createRedisStorage().syncQueue (${kind.name}, three clients)`,
      handles: 3,
      open: async () => {
        const clients = await Promise.all([
          kind.connect(url()),
          kind.connect(url()),
          kind.connect(url()),
        ])
        const runPrefix = `${prefix}${run++}:`
        return {
          handles: clients.map(
            (redis) => createRedisStorage({ redis, prefix: runPrefix }).syncQueue,
          ),
          close: async () => {
            await Promise.all(clients.map((client) => kind.close(client)))
          },
        }
      },
    })
  }
})
