import type { EventBus } from '../eventBus/types.ts'
import { RECONCILE_LOCK_TTL_SECONDS, reconcileLockKey, timestampKey } from '../shared/keys.ts'
import { logOncePer, OUTAGE_LOG_INTERVAL_MS } from '../shared/outageLog.ts'
import type { PublishedConfig } from '../shared/publishedConfig.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import type { DurableQueue } from './durableQueue.ts'
import { publishConfig } from './publishConfig.ts'

const PUBLISH_CONFIG_EVERY_MS = 60_000

/**
 * The start-up protocol: one full reconcile per Payload start, whichever Better Auth instance
 * claims it first. A Payload start announced while this instance was down is found through the
 * timestamps in the storage; one announced later arrives on the event bus.
 */
export async function coordinateStart({
  storage,
  eventBus,
  queue,
  log,
  warn,
}: {
  storage: SecondaryStorage
  eventBus: EventBus
  queue: DurableQueue
  log(message: string): void
  warn(message: string): void
}): Promise<void> {
  const claim = async (payloadStartedAt: number) => {
    const lock = reconcileLockKey(payloadStartedAt)
    if ((await storage.increment(lock, RECONCILE_LOCK_TTL_SECONDS)) !== 1) return
    log(`[better-auth] Payload started at ${payloadStartedAt}: queueing a full reconcile`)
    await queue.enqueue({ op: 'reconcile' })
  }
  try {
    eventBus.subscribeToTimestamp('payload', (ts) => {
      claim(ts).catch((error: unknown) =>
        warn(`[better-auth] reconcile claim failed: ${String(error)}`),
      )
    })
    const payloadTs = Number(await storage.get(timestampKey('payload'))) || 0
    const betterAuthTs = Number(await storage.get(timestampKey('better-auth'))) || 0
    if (payloadTs > betterAuthTs) {
      await storage.set(timestampKey('better-auth'), String(Date.now()))
      await claim(payloadTs)
    }
  } catch (error) {
    warn(`[better-auth] start-up coordination failed: ${String(error)}`)
  }
}

/**
 * Publishes the session rules Payload applies too, now and every minute (a storage that restarts
 * empty has them back within a minute; until then Payload reads every session from the storage).
 */
export function startPublishing(
  storage: SecondaryStorage,
  config: PublishedConfig,
  warn: (message: string) => void,
): Promise<void> {
  const logFailure = logOncePer(OUTAGE_LOG_INTERVAL_MS, warn)
  const publish = () =>
    publishConfig(storage, config).catch((error: unknown) =>
      logFailure(
        `[better-auth] could not publish the session rules to the storage (retrying every minute): ${String(error)}`,
      ),
    )
  setInterval(publish, PUBLISH_CONFIG_EVERY_MS).unref()
  return publish()
}
