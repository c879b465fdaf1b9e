import { isInspecting } from '../shared/inspection.ts'
import { logOncePer, OUTAGE_LOG_INTERVAL_MS } from '../shared/outageLog.ts'
import type { DurableQueue } from './durableQueue.ts'

/**
 * The queue's worker in this process: works through the due tasks every `tickMs`, and queues a
 * full reconcile every `reconcileEveryMs`. Neither timer keeps the process alive.
 */
export function startWorker(
  queue: DurableQueue,
  {
    tickMs = 1_000,
    reconcileEveryMs = 30 * 60_000,
    warn,
  }: { tickMs?: number; reconcileEveryMs?: number; warn(message: string): void },
): void {
  // The CLI inspecting the app applies no task (it would start Payload in the CLI's process).
  if (isInspecting()) return
  let draining = false
  const logTickFailure = logOncePer(OUTAGE_LOG_INTERVAL_MS, warn)
  const tick = setInterval(async () => {
    if (draining) return
    draining = true
    try {
      await queue.drain()
    } catch (error) {
      logTickFailure(`[reconcile] queue tick failed (retrying every tick): ${String(error)}`)
    } finally {
      draining = false
    }
  }, tickMs)
  tick.unref()
  const periodic = setInterval(
    () =>
      void queue
        .enqueue({ op: 'reconcile' })
        .catch((e: unknown) => warn(`[reconcile] ${String(e)}`)),
    reconcileEveryMs,
  )
  periodic.unref()
}
