import {
  QUEUE_DEAD_PREFIX,
  QUEUE_SEQUENCE_KEY,
  QUEUE_SETTLED_KEY,
  QUEUE_TASK_PREFIX,
  queueDeadKey,
  queueLeaseKey,
  queueTaskKey,
} from '../shared/keys.ts'
import type { ListableStorage, SecondaryStorage } from '../storage/types.ts'

// The sync's task queue, kept in the shared storage so that a restart loses nothing and every
// Better Auth instance sees the same tasks. Tasks are idempotent and grouped per user: only the
// newest task of a group runs (ensure and delete re-read Better Auth's state), older ones are
// superseded. A lease key makes one worker, in whichever process, run a group at a time.

export type QueueTask =
  | { op: 'ensure'; userId: string }
  | { op: 'delete'; userId: string }
  | { op: 'reconcile' }

interface StoredTask {
  task: QueueTask
  attempts: number
  /** Epoch ms before which a retry must not run. */
  notBefore: number
  enqueuedAt: number
  lastError?: string
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
  /** Runs every due group once; returns how many tasks were applied. */
  drain(): Promise<number>
  status(): Promise<QueueStatus>
}

const SEQUENCE_TTL_SECONDS = 10 * 365 * 24 * 3600

/** What one attempt at a group came to. */
type Outcome = 'applied' | 'failed' | 'waiting' | 'busy' | 'empty'
const groupOf = (task: QueueTask) => (task.op === 'reconcile' ? 'reconcile' : `user:${task.userId}`)

/** `queue:task:<group>:<seq>` → [group, seq] */
function parseTaskKey(key: string): [string, number] {
  const rest = key.slice(QUEUE_TASK_PREFIX.length)
  const colon = rest.lastIndexOf(':')
  return [rest.slice(0, colon), Number(rest.slice(colon + 1))]
}

export function createDurableQueue(options: DurableQueueOptions): DurableQueue {
  const { storage, run } = options
  if (typeof storage.listKeys !== 'function') {
    throw new TypeError(
      'payloadBetterAuthPlugin: the storage has no listKeys(prefix), which the durable sync queue needs. Use createSqliteStorage, createRedisStorage or createMemoryStorage, or add listKeys to your storage.',
    )
  }
  const store = storage as ListableStorage
  const maxAttempts = options.maxAttempts ?? 8
  const baseMs = options.backoffBaseMs ?? 1_000
  const maxMs = options.backoffMaxMs ?? 300_000
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

  /** Removes a task key and counts it settled (only if it was still there). */
  async function removeTask(key: string) {
    if ((await store.getAndDelete(key)) !== null) {
      await store.increment(QUEUE_SETTLED_KEY, SEQUENCE_TTL_SECONDS)
    }
  }

  async function processGroup(group: string): Promise<Outcome> {
    if ((await store.increment(queueLeaseKey(group), leaseSeconds(group))) !== 1) return 'busy'
    counters.active++
    try {
      const keys = (await store.listKeys(`${QUEUE_TASK_PREFIX}${group}:`)).sort()
      const newest = keys.at(-1)
      if (!newest) return 'empty'
      const raw = await store.get(newest)
      if (!raw) return 'empty'
      const stored = JSON.parse(raw) as StoredTask
      if (stored.notBefore > Date.now()) return 'waiting'
      const settle = async () => {
        for (const key of keys) await removeTask(key)
      }
      try {
        await run(stored.task)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        counters.failed++
        counters.lastError = message
        const attempts = stored.attempts + 1
        if (attempts >= maxAttempts) {
          const [, seq] = parseTaskKey(newest)
          await store.set(
            queueDeadKey(group, seq),
            JSON.stringify({ ...stored, attempts, lastError: message }),
          )
          await settle()
          log(
            `[reconcile] ${stored.task.op} ${group} failed ${attempts} times, now a dead letter: ${message}`,
          )
          return 'failed'
        }
        const delay = backoff(attempts)
        for (const key of keys.slice(0, -1)) await removeTask(key)
        await store.set(
          newest,
          JSON.stringify({
            ...stored,
            attempts,
            notBefore: Date.now() + delay,
            lastError: message,
          }),
        )
        log(
          `[reconcile] ${stored.task.op} ${group} failed (attempt ${attempts}), retry in ${Math.round(delay)} ms: ${message}`,
        )
        return 'failed'
      }
      await settle()
      counters.processed++
      return 'applied'
    } finally {
      counters.active--
      await store.delete(queueLeaseKey(group))
    }
  }

  return {
    async enqueue(task, { runNow = false, delayMs = 0 } = {}) {
      const seq = await store.increment(QUEUE_SEQUENCE_KEY, SEQUENCE_TTL_SECONDS)
      const now = Date.now()
      const stored: StoredTask = { task, attempts: 0, notBefore: now + delayMs, enqueuedAt: now }
      await store.set(queueTaskKey(groupOf(task), seq), JSON.stringify(stored))
      if (!runNow) return false
      // Another worker may hold the group (it saw the new task first): then wait for it to apply
      // the task, so that "applied at once" holds whichever worker did it.
      const key = queueTaskKey(groupOf(task), seq)
      const deadline = Date.now() + runNowTimeoutMs
      for (;;) {
        const outcome = await processGroup(groupOf(task))
        if (outcome === 'applied') return true
        if (outcome === 'failed' || outcome === 'waiting') return false
        if ((await store.get(key)) === null) return true
        if (Date.now() > deadline) return false
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },

    async drain() {
      // Every queued task settled: nothing to list (listing is a keyspace scan on Redis).
      const [queued, settled] = await Promise.all([
        store.get(QUEUE_SEQUENCE_KEY),
        store.get(QUEUE_SETTLED_KEY),
      ])
      if ((Number(queued) || 0) <= (Number(settled) || 0)) return 0
      const groups = new Set(
        (await store.listKeys(QUEUE_TASK_PREFIX)).map((key) => parseTaskKey(key)[0]),
      )
      let applied = 0
      for (const group of groups) if ((await processGroup(group)) === 'applied') applied++
      return applied
    },

    async status() {
      const [tasks, dead] = await Promise.all([
        store.listKeys(QUEUE_TASK_PREFIX),
        store.listKeys(QUEUE_DEAD_PREFIX),
      ])
      const reconcile = tasks.filter((key) => parseTaskKey(key)[0] === 'reconcile').length
      return {
        queueSize: tasks.length,
        userOperationTasks: tasks.length - reconcile,
        fullReconcileTasks: reconcile,
        processing: counters.active > 0,
        processed: counters.processed,
        failed: counters.failed,
        deadLetters: dead.length,
        lastError: counters.lastError,
      }
    },
  }
}
