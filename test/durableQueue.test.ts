import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import {
  createMemoryStorage,
  createRedisStorage,
  createSqliteStorage,
  type ListableStorage,
  type SecondaryStorage,
} from 'payload-better-auth/storage'
import { describe, expect, it, vi } from 'vitest'
import { createDurableQueue, type QueueTask } from '../src/better-auth/durableQueue.ts'
import { eventually, sleep } from './helpers/eventually.ts'
import { startPeer } from './helpers/peer.ts'
import {
  cleanupPrefixAfterAll,
  describeWithRedis,
  redisClientKinds,
  uniquePrefix,
} from './helpers/redis.ts'
import { tempDir } from './helpers/tempDir.ts'

// The sync's durable queue on each storage: applied at once when it can be, kept and retried with
// backoff when not, superseded per user, dead-lettered after too many failures, run once when
// several workers race, and still there after the process that queued it is killed.

/** A runner that records what it ran and fails while `failing` is true. */
function recorder() {
  const ran: QueueTask[] = []
  const state = { failing: false }
  const run = async (task: QueueTask) => {
    if (state.failing) throw new Error('Payload unreachable')
    ran.push(task)
  }
  return { ran, state, run }
}

function queueContract(name: string, open: () => Promise<{ stores: ListableStorage[] }>) {
  describe(`durable queue on ${name}`, () => {
    it('applies a task at once with runNow, leaving nothing queued', async () => {
      const { stores } = await open()
      const { ran, run } = recorder()
      const queue = createDurableQueue({ storage: stores[0] as ListableStorage, run })
      expect(await queue.enqueue({ op: 'ensure', userId: 'u1' }, { runNow: true })).toBe(true)
      expect(ran).toEqual([{ op: 'ensure', userId: 'u1' }])
      expect((await queue.status()).queueSize).toBe(0)
    })

    it('keeps a failed task, waits out the backoff, then applies it', async () => {
      const { stores } = await open()
      const { ran, state, run } = recorder()
      const queue = createDurableQueue({
        storage: stores[0] as ListableStorage,
        run,
        backoffBaseMs: 200,
        random: () => 1,
      })
      state.failing = true
      expect(await queue.enqueue({ op: 'ensure', userId: 'u1' }, { runNow: true })).toBe(false)
      expect(await queue.status()).toMatchObject({
        queueSize: 1,
        userOperationTasks: 1,
        failed: 1,
        lastError: 'Payload unreachable',
      })
      state.failing = false
      expect(await queue.drain()).toBe(0) // still inside its 200 ms backoff
      await sleep(250)
      expect(await queue.drain()).toBe(1)
      expect(ran).toEqual([{ op: 'ensure', userId: 'u1' }])
      expect((await queue.status()).queueSize).toBe(0)
    })

    it('runNow waits for another worker holding the same user, and reports the task applied', async () => {
      const { stores } = await open()
      const ran: string[] = []
      const run = async (task: QueueTask) => {
        await sleep(100)
        ran.push(task.op)
      }
      const [a, b] = stores.map((storage) => createDurableQueue({ storage, run }))
      await a?.enqueue({ op: 'ensure', userId: 'busy' })
      const draining = a?.drain() // holds the user's lease for ~100 ms
      await sleep(20)
      expect(await b?.enqueue({ op: 'delete', userId: 'busy' }, { runNow: true })).toBe(true)
      expect(ran).toEqual(['ensure', 'delete'])
      await draining
      expect((await b?.status())?.queueSize).toBe(0)
    })

    it('runs only the newest task of a user: a delete supersedes an ensure', async () => {
      const { stores } = await open()
      const { ran, run } = recorder()
      const queue = createDurableQueue({ storage: stores[0] as ListableStorage, run })
      await queue.enqueue({ op: 'ensure', userId: 'u1' })
      await queue.enqueue({ op: 'ensure', userId: 'u1' })
      await queue.enqueue({ op: 'delete', userId: 'u1' })
      await queue.enqueue({ op: 'ensure', userId: 'u2' })
      await queue.enqueue({ op: 'reconcile' })
      // One task per group: the newest of u1's three supersedes the others.
      expect(await queue.status()).toMatchObject({
        queueSize: 3,
        userOperationTasks: 2,
        fullReconcileTasks: 1,
      })
      expect(await queue.drain()).toBe(3)
      expect(ran).toEqual(
        expect.arrayContaining([
          { op: 'delete', userId: 'u1' },
          { op: 'ensure', userId: 'u2' },
          { op: 'reconcile' },
        ]),
      )
      expect(ran).toHaveLength(3)
    })

    it('makes a task a dead letter after maxAttempts failures, and counts it', async () => {
      const { stores } = await open()
      const { state, run } = recorder()
      state.failing = true
      const queue = createDurableQueue({
        storage: stores[0] as ListableStorage,
        run,
        maxAttempts: 3,
        backoffBaseMs: 1,
      })
      await queue.enqueue({ op: 'ensure', userId: 'doomed' }, { runNow: true })
      await eventually(async () => {
        await queue.drain()
        expect((await queue.status()).deadLetters).toBe(1)
      })
      expect(await queue.status()).toMatchObject({ queueSize: 0, failed: 3 })
    })

    it('runs each task once when several workers drain at the same time', async () => {
      const { stores } = await open()
      const counts = new Map<string, number>()
      const run = async (task: QueueTask) => {
        const id = task.op === 'reconcile' ? 'reconcile' : task.userId
        counts.set(id, (counts.get(id) ?? 0) + 1)
        await sleep(2)
      }
      const queues = stores.map((storage) => createDurableQueue({ storage, run }))
      for (let i = 0; i < 40; i++)
        await (queues[0] as (typeof queues)[0]).enqueue({ op: 'ensure', userId: `u${i}` })
      await Promise.all([...queues, ...queues].map((queue) => queue.drain()))
      await Promise.all(queues.map((queue) => queue.drain()))
      expect(counts.size).toBe(40)
      expect([...counts.values()].every((n) => n === 1)).toBe(true)
    })
  })
}

queueContract('memory', async () => {
  const storage = createMemoryStorage()
  return { stores: [storage, storage] }
})

// A custom storage with the key-value calls and listKeys but no syncQueue: the scanning fallback.
queueContract('a custom storage with listKeys only', async () => {
  const { syncQueue: _, ...custom } = createMemoryStorage()
  return { stores: [custom, custom] }
})

const dir = tempDir('queue')
let files = 0
queueContract('sqlite', async () => {
  const path = join(dir, `q-${files++}.db`)
  return {
    stores: [
      createSqliteStorage({ db: new DatabaseSync(path) }),
      createSqliteStorage({ db: new DatabaseSync(path) }),
    ],
  }
})

describe('durable queue across a killed process', () => {
  it('sqlite: tasks queued by a process that is then killed are all applied by the next one', async () => {
    const path = join(dir, 'killed.db')
    const peer = await startPeer({ storage: { kind: 'sqlite', path } })
    expect(await peer.request('enqueueFailing', { count: 50 })).toBe(50)
    await peer.stop() // SIGTERM mid-life: no clean shutdown of the queue
    const { ran, run } = recorder()
    const queue = createDurableQueue({
      storage: createSqliteStorage({ db: new DatabaseSync(path) }),
      run,
    })
    // Each task honours the backoff its failure set (about a second) before it runs again.
    await eventually(async () => {
      await queue.drain()
      expect(ran).toHaveLength(50)
    })
    expect(new Set(ran.map((task) => (task as { userId: string }).userId)).size).toBe(50)
  })

  it('refuses a storage with neither syncQueue nor listKeys, saying what to do', () => {
    const { listKeys: _, syncQueue: __, ...bare } = createMemoryStorage()
    expect(() =>
      createDurableQueue({ storage: bare as SecondaryStorage, run: async () => {} }),
    ).toThrow(/syncQueue.*listKeys|listKeys.*syncQueue/s)
  })
})

describeWithRedis('durable queue on Redis', (url) => {
  const prefix = uniquePrefix('queue')
  cleanupPrefixAfterAll(url, () => prefix)
  let run = 0
  for (const kind of redisClientKinds.slice(0, 2)) {
    queueContract(`redis (${kind.name})`, async () => {
      const runPrefix = `${prefix}${run++}:`
      const clients = await Promise.all([kind.connect(url()), kind.connect(url())])
      return { stores: clients.map((redis) => createRedisStorage({ redis, prefix: runPrefix })) }
    })
  }

  it('redis: tasks queued by a process that is then killed are all applied by the next one', async () => {
    const shared = `${prefix}killed:`
    const peer = await startPeer({
      storage: { kind: 'redis', client: 'ioredis', url: url(), prefix: shared },
    })
    expect(await peer.request('enqueueFailing', { count: 50 })).toBe(50)
    await peer.stop()
    const client = await (redisClientKinds[0] as (typeof redisClientKinds)[0]).connect(url())
    const { ran, run: runTask } = recorder()
    const queue = createDurableQueue({
      storage: createRedisStorage({ redis: client, prefix: shared }),
      run: runTask,
    })
    // Each task honours the backoff its failure set (about a second) before it runs again.
    await eventually(async () => {
      await queue.drain()
      expect(ran).toHaveLength(50)
    })
  })
})

describe('durable queue without key listing', () => {
  it('never lists keys on a storage with syncQueue: not to find work, report or retry', async () => {
    const storage = createMemoryStorage()
    const listing = vi.spyOn(storage, 'listKeys')
    const { state, run } = recorder()
    const queue = createDurableQueue({ storage, run, maxAttempts: 1 })
    expect(await queue.drain()).toBe(0)
    await queue.enqueue({ op: 'ensure', userId: 'u1' }, { runNow: true })
    await queue.enqueue({ op: 'ensure', userId: 'u2' })
    await queue.enqueue({ op: 'ensure', userId: 'u2' })
    expect(await queue.drain()).toBe(1)
    state.failing = true
    await queue.enqueue({ op: 'ensure', userId: 'u3' }, { runNow: true })
    await queue.status()
    await queue.deadLetters()
    state.failing = false
    await queue.retry()
    expect(await queue.drain()).toBe(1)
    expect(listing).not.toHaveBeenCalled()
  })
})

describe('dead letters', () => {
  it('are listed with their reason, retried one or all, and expire after deadLetterTtlMs', async () => {
    const storage = createMemoryStorage()
    const { ran, state, run } = recorder()
    const queue = createDurableQueue({ storage, run, maxAttempts: 2, backoffBaseMs: 1 })
    state.failing = true
    for (const userId of ['a', 'b', 'c']) {
      await queue.enqueue({ op: 'ensure', userId }, { runNow: true })
    }
    await eventually(async () => {
      await queue.drain()
      expect((await queue.status()).deadLetters).toBe(3)
    })
    const dead = await queue.deadLetters()
    expect(dead.map((letter) => letter.group).sort()).toEqual(['user:a', 'user:b', 'user:c'])
    expect(dead[0]).toMatchObject({ attempts: 2, lastError: 'Payload unreachable' })
    expect(await queue.retry('user:nobody')).toEqual([])

    state.failing = false
    expect(await queue.retry('user:b')).toEqual(['user:b'])
    expect(await queue.drain()).toBe(1)
    expect(ran).toEqual([{ op: 'ensure', userId: 'b' }])
    expect((await queue.status()).deadLetters).toBe(2)
    expect((await queue.retry()).sort()).toEqual(['user:a', 'user:c'])
    expect(await queue.drain()).toBe(2)
    expect(await queue.status()).toMatchObject({ deadLetters: 0, queueSize: 0 })

    const shortLived = createDurableQueue({ storage, run, maxAttempts: 1, deadLetterTtlMs: 50 })
    state.failing = true
    await shortLived.enqueue({ op: 'ensure', userId: 'd' }, { runNow: true })
    expect((await shortLived.status()).deadLetters).toBe(1)
    await sleep(120)
    expect((await shortLived.status()).deadLetters).toBe(0)
    expect(await shortLived.deadLetters()).toEqual([])
  })
})

describe('tasks queued before syncQueue', () => {
  it('are adopted at start, backoff and dead letters included, and then run', async () => {
    const storage = createMemoryStorage()
    const { ran, run } = recorder()
    // The keys a version without syncQueue wrote: a task per key (the newest of a group wins),
    // its `notBefore` inside; dead letters under `queue:dead:`.
    const task = (seq: number, group: string, body: object) =>
      storage.set(`queue:task:${group}:${String(seq).padStart(16, '0')}`, JSON.stringify(body))
    const fresh = { attempts: 0, notBefore: 0, enqueuedAt: 1 }
    await task(1, 'user:waiting', { task: { op: 'delete', userId: 'waiting' }, ...fresh })
    await task(2, 'user:waiting', { task: { op: 'ensure', userId: 'waiting' }, ...fresh })
    await task(3, 'user:later', {
      task: { op: 'ensure', userId: 'later' },
      ...fresh,
      notBefore: Date.now() + 60_000,
    })
    await task(4, 'reconcile', { task: { op: 'reconcile' }, ...fresh })
    await task(5, 'user:retried', {
      task: { op: 'ensure', userId: 'retried' },
      ...fresh,
      attempts: 2,
    })
    await storage.set(
      'queue:dead:user:dead:0000000000000006',
      JSON.stringify({
        task: { op: 'delete', userId: 'dead' },
        ...fresh,
        attempts: 8,
        lastError: 'x',
      }),
    )

    const upgraded = createDurableQueue({ storage, run })
    expect(await upgraded.adoptLegacyTasks()).toBe(5)
    expect(await storage.listKeys('queue:task:')).toEqual([])
    expect(await storage.listKeys('queue:dead:')).toEqual([])
    expect(await upgraded.status()).toMatchObject({ queueSize: 4, deadLetters: 1 })
    expect(await upgraded.drain()).toBe(3) // `later` still waits out its delay
    expect(ran).toHaveLength(3)
    expect(ran).toEqual(
      expect.arrayContaining([
        { op: 'ensure', userId: 'waiting' },
        { op: 'reconcile' },
        { op: 'ensure', userId: 'retried' },
      ]),
    )
    expect(await upgraded.deadLetters()).toMatchObject([
      { group: 'user:dead', task: { op: 'delete', userId: 'dead' }, attempts: 8, lastError: 'x' },
    ])
    expect(await upgraded.adoptLegacyTasks()).toBe(0)
  })
})
