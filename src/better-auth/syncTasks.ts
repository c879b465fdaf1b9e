import type { Payload } from 'payload'
import type { QueueTask } from './durableQueue.ts'
import type { createPayloadWriter, SyncedAccount, SyncedUser } from './payloadWriter.ts'
import { type BetterAuthReader, type createFailureLog, fullReconcile } from './reconcile.ts'

/** What the sync needs from Better Auth's context (its database adapter). */
export interface AdapterLike extends BetterAuthReader {
  findOne<T>(args: {
    model: string
    where: Array<{ field: string; value: unknown }>
  }): Promise<T | null>
}

/** How far the full reconcile has got, for `/reconcile/status`. */
export interface ReconcileState {
  reconciling: boolean
  lastSeedAt: string | null
}

/**
 * What the queue's tasks do: a full reconcile (and its failure list), or one user's sync from
 * Better Auth's current state (its failure listed until it succeeds).
 */
export function createSyncTasks({
  writer,
  loadPayload,
  usersSlug,
  failureLog,
  log,
  warn,
}: {
  writer: ReturnType<typeof createPayloadWriter>
  loadPayload: () => Promise<Payload>
  usersSlug: string
  failureLog: ReturnType<typeof createFailureLog>
  log(message: string): void
  warn(message: string): void
}) {
  const state: ReconcileState = { reconciling: false, lastSeedAt: null }

  /** Brings one user (or its removal) into Payload, from Better Auth's current state. */
  async function syncUser(adapter: AdapterLike, task: Exclude<QueueTask, { op: 'reconcile' }>) {
    if (task.op === 'delete') return writer.remove(task.userId)
    const user = await adapter.findOne<SyncedUser>({
      model: 'user',
      where: [{ field: 'id', value: task.userId }],
    })
    if (!user) return writer.remove(task.userId)
    const accounts = await adapter.findMany<SyncedAccount>({
      model: 'account',
      where: [{ field: 'userId', value: task.userId }],
      limit: 1_000,
    })
    await writer.ensure(user, accounts)
  }

  return {
    state,
    /** The queue's `run`, on Better Auth's adapter. */
    runner: (adapter: AdapterLike) => async (task: QueueTask) => {
      if (task.op === 'reconcile') {
        state.reconciling = true
        const startedAt = Date.now()
        const result = await fullReconcile({
          reader: adapter,
          payload: await loadPayload(),
          writer,
          usersSlug,
        }).finally(() => {
          state.reconciling = false
        })
        state.lastSeedAt = new Date().toISOString()
        await failureLog.replace(result.failures, startedAt)
        log(
          `[reconcile] full reconcile: ${result.ensured} users ensured (${result.bulkInserted} new, in batches), ${result.removed} removed, ${result.failed} failed (listed in /reconcile/status)`,
        )
        if (result.bulkSkipped) {
          log(
            `[reconcile] new users were written one by one through the Local API, not in batches, because ${result.bulkSkipped}`,
          )
        }
        return
      }
      // The failure list is a report: failing to update it changes nothing about the task.
      const report = (update: Promise<void>) =>
        update.catch((e: unknown) => warn(`[reconcile] failure list: ${String(e)}`))
      try {
        await syncUser(adapter, task)
      } catch (error) {
        await report(failureLog.record(task.userId, error))
        throw error
      }
      await report(failureLog.clear(task.userId))
    },
  }
}
