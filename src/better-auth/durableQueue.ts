import { QUEUE_DEAD_PREFIX, QUEUE_TASK_PREFIX, queueLeaseKey } from '../shared/keys.ts'
import { keyValueSyncQueue, parseTaskKey } from '../storage/syncQueue/keyValue.ts'
import type { SecondaryStorage, SyncQueueStore } from '../storage/types.ts'

// The sync's task queue, kept in the shared storage so that a restart loses nothing and every
// Better Auth instance sees the same tasks. Tasks are idempotent and grouped per user: a group
// holds only its newest task (ensure and delete re-read Better Auth's state), which supersedes the
// older ones. A lease key makes one worker, in whichever process, run a group at a time. Work is
// found through the storage's `syncQueue` (a due-time index), never by listing keys.

export type QueueTask =
  | { op: 'ensure'; userId: string }
  | { op: 'delete'; userId: string }
  | { op: 'reconcile' }

interface StoredTask {
  task: QueueTask
  attempts: number
  enqueuedAt: number
  lastError?: string
}

/** A task that failed `maxAttempts` times, kept for `deadLetterTtlMs` (`GET /reconcile/dead-letters`). */
export interface DeadLetter {
  /** `user:<id>` or `reconcile`: what `retry` takes. */
  group: string
  task: QueueTask
  attempts: number
  lastError: string | null
  enqueuedAt: string
  diedAt: string
}

export interface DurableQueueOptions {
  storage: SecondaryStorage
  /** Applies one task; throwing schedules a retry. */
  run(task: QueueTask): Promise<void>
  /** Failed runs before a task becomes a dead letter. Default 8. */
  maxAttempts?: number
  /** First retry delay; doubles per attempt up to `backoffMaxMs`, with jitter. Default 1 000. */
  backoffBaseMs?: number
  /** Default 300 000 (5 min). */
  backoffMaxMs?: number
  /** How long a dead letter is kept. Default 7 days. */
  deadLetterTtlMs?: number
  /** How long a worker may hold a user's group before another may take over (s). Default 120. */
  leaseSeconds?: number
  /** The same for the full reconcile, which takes minutes on large user bases (s). Default 1 800. */
  reconcileLeaseSeconds?: number
  /** How long `enqueue(..., { runNow })` waits for another worker holding the group (ms). Default 10 000. */
  runNowTimeoutMs?: number
  log?(message: string): void
  random?(): number
}

export interface QueueStatus {
  queueSize: number
  userOperationTasks: number
  fullReconcileTasks: number
  processing: boolean
  /** Counted by this process since it started. */
  processed: number
  failed: number
  deadLetters: number
  lastError: string | null
}

export interface DurableQueue {
  /**
   * Stores the task; with `runNow`, also tries it at once and says whether it was applied. With
   * `delayMs`, no worker runs it before then (someone else is writing that user right now).
   */
  enqueue(task: QueueTask, options?: { runNow?: boolean; delayMs?: number }): Promise<boolean>
  /** Runs the due groups once (a page of them); returns how many tasks were applied. */
  drain(): Promise<number>
  status(): Promise<QueueStatus>
  /** The newest dead letters, up to `limit`. */
  deadLetters(limit?: number): Promise<DeadLetter[]>
  /** Queues dead letters again (one group, or all of them); returns the groups queued. */
  retry(group?: string): Promise<string[]>
  /**
   * Moves tasks and dead letters queued by a version without `syncQueue` (keys
   * `queue:task:*`, `queue:dead:*`) into it; returns how many. One key listing, at start only.
   */
  adoptLegacyTasks(): Promise<number>
}

export const DEAD_LETTER_KIND = 'dead'
const DRAIN_PAGE = 500
const MAX_DEAD_LETTERS_LISTED = 1_000

const groupOf = (task: QueueTask) => (task.op === 'reconcile' ? 'reconcile' : `user:${task.userId}`)

/** What one attempt at a group came to. */
type Outcome = 'applied' | 'failed' | 'waiting' | 'busy' | 'empty'

/** The storage's queue structures; a custom storage with only `listKeys` gets the scanning fallback. */
export function syncQueueOf(storage: SecondaryStorage): SyncQueueStore {
  const own = (storage as { syncQueue?: SyncQueueStore }).syncQueue
  if (own) return own
  const { listKeys } = storage
  if (typeof listKeys === 'function') {
    return keyValueSyncQueue({ ...storage, listKeys: listKeys.bind(storage) })
  }
  throw new TypeError(
    'payloadBetterAuthPlugin: the storage has no `syncQueue` (the durable sync queue keeps its tasks there) and no listKeys(prefix) to fall back on. Use createSqliteStorage, createRedisStorage or createMemoryStorage, or give your storage `syncQueue` (see SyncQueueStore) or listKeys (which scans, fine for small deployments).',
  )
}

export function createDurableQueue(options: DurableQueueOptions): DurableQueue {
  const { storage, run } = options
  const queue = syncQueueOf(storage)
  const maxAttempts = options.maxAttempts ?? 8
  const baseMs = options.backoffBaseMs ?? 1_000
  const maxMs = options.backoffMaxMs ?? 300_000
  const deadLetterTtlMs = options.deadLetterTtlMs ?? 7 * 24 * 3600 * 1000
  const leaseSeconds = (group: string) =>
    group === 'reconcile' ? (options.reconcileLeaseSeconds ?? 1_800) : (options.leaseSeconds ?? 120)
  const random = options.random ?? Math.random
  const runNowTimeoutMs = options.runNowTimeoutMs ?? 10_000
  const log = options.log ?? (() => {})
  const counters = { processed: 0, failed: 0, lastError: null as string | null, active: 0 }

  // Capped exponential backoff with "equal jitter": half fixed, half random.
  const backoff = (attempts: number) => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** (attempts - 1))
    return ceiling / 2 + random() * (ceiling / 2)
  }

  /** Keeps the task as the group's dead letter, for `deadLetterTtlMs`. */
  const bury = (group: string, stored: StoredTask) => {
    const dead: DeadLetter = {
      group,
      task: stored.task,
      attempts: stored.attempts,
      lastError: stored.lastError ?? null,
      enqueuedAt: new Date(stored.enqueuedAt).toISOString(),
      diedAt: new Date().toISOString(),
    }
    return queue.keep(DEAD_LETTER_KIND, group, JSON.stringify(dead), deadLetterTtlMs)
  }

  async function processGroup(group: string): Promise<Outcome> {
    if ((await storage.increment(queueLeaseKey(group), leaseSeconds(group))) !== 1) return 'busy'
    counters.active++
    try {
      const entry = await queue.read(group)
      if (!entry) return 'empty'
      if (entry.notBefore > Date.now()) return 'waiting'
      const stored = JSON.parse(entry.task) as StoredTask
      try {
        await run(stored.task)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        counters.failed++
        counters.lastError = message
        const attempts = stored.attempts + 1
        if (attempts >= maxAttempts) {
          await bury(group, { ...stored, attempts, lastError: message })
          await queue.settle(group, entry.version)
          log(
            `[reconcile] ${stored.task.op} ${group} failed ${attempts} times, now a dead letter (POST /reconcile/retry queues it again): ${message}`,
          )
          return 'failed'
        }
        const delay = backoff(attempts)
        const retried: StoredTask = { ...stored, attempts, lastError: message }
        // A newer task of the group, queued meanwhile, stays as it is: it runs next.
        await queue.reschedule(group, entry.version, JSON.stringify(retried), Date.now() + delay)
        log(
          `[reconcile] ${stored.task.op} ${group} failed (attempt ${attempts}), retry in ${Math.round(delay)} ms: ${message}`,
        )
        return 'failed'
      }
      await queue.settle(group, entry.version)
      counters.processed++
      return 'applied'
    } finally {
      counters.active--
      await storage.delete(queueLeaseKey(group))
    }
  }

  async function enqueue(
    task: QueueTask,
    { runNow = false, delayMs = 0 }: { runNow?: boolean; delayMs?: number } = {},
  ) {
    const now = Date.now()
    const stored: StoredTask = { task, attempts: 0, enqueuedAt: now }
    const group = groupOf(task)
    await queue.put(group, JSON.stringify(stored), now + delayMs)
    if (!runNow) return false
    // Another worker may hold the group (it saw the new task first): then wait for it to apply
    // the task, so that "applied at once" holds whichever worker did it.
    const deadline = Date.now() + runNowTimeoutMs
    for (;;) {
      const outcome = await processGroup(group)
      if (outcome === 'applied') return true
      if (outcome === 'failed' || outcome === 'waiting') return false
      if ((await queue.read(group)) === null) return true
      if (Date.now() > deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  return {
    enqueue,

    async drain() {
      let applied = 0
      for (const group of await queue.due(Date.now(), DRAIN_PAGE)) {
        if ((await processGroup(group)) === 'applied') applied++
      }
      return applied
    },

    async status() {
      const [size, reconcile, dead] = await Promise.all([
        queue.size(),
        queue.read('reconcile'),
        queue.count(DEAD_LETTER_KIND),
      ])
      const fullReconcileTasks = reconcile ? 1 : 0
      return {
        queueSize: size,
        userOperationTasks: size - fullReconcileTasks,
        fullReconcileTasks,
        processing: counters.active > 0,
        processed: counters.processed,
        failed: counters.failed,
        deadLetters: dead,
        lastError: counters.lastError,
      }
    },

    async deadLetters(limit = MAX_DEAD_LETTERS_LISTED) {
      const records = await queue.list(DEAD_LETTER_KIND, Math.min(limit, MAX_DEAD_LETTERS_LISTED))
      return records.map(({ value }) => JSON.parse(value) as DeadLetter)
    },

    async retry(group) {
      const groups = group
        ? [group]
        : (await queue.list(DEAD_LETTER_KIND, MAX_DEAD_LETTERS_LISTED)).map(({ id }) => id)
      const queued: string[] = []
      for (const id of groups) {
        const raw = await queue.take(DEAD_LETTER_KIND, id)
        if (raw === null) continue
        await enqueue((JSON.parse(raw) as DeadLetter).task)
        queued.push(id)
      }
      return queued
    },

    async adoptLegacyTasks() {
      const { listKeys } = storage
      if (typeof listKeys !== 'function' || !('syncQueue' in storage)) return 0
      const legacy = keyValueSyncQueue({ ...storage, listKeys: listKeys.bind(storage) })
      let moved = 0
      const groups = new Set(
        (await listKeys.call(storage, QUEUE_TASK_PREFIX)).map((key) => parseTaskKey(key)[0]),
      )
      for (const group of groups) {
        const entry = await legacy.read(group)
        if (!entry) continue
        // Written as the queue stored it then: the task with its own `notBefore`.
        const { task, attempts, enqueuedAt, lastError } = JSON.parse(entry.task) as StoredTask
        const stored: StoredTask = { task, attempts, enqueuedAt, lastError }
        await queue.put(group, JSON.stringify(stored), entry.notBefore)
        await legacy.settle(group, entry.version)
        moved++
      }
      for (const key of await listKeys.call(storage, QUEUE_DEAD_PREFIX)) {
        const raw = await storage.getAndDelete(key)
        if (raw === null) continue
        await bury(parseTaskKey(key, QUEUE_DEAD_PREFIX)[0], JSON.parse(raw) as StoredTask)
        moved++
      }
      return moved
    },
  }
}
