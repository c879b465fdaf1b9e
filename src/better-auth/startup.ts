import type { AuthContext } from 'better-auth'
import type { EventBus } from '../eventBus/types.ts'
import { DEFAULT_COLLECTION_PREFIX } from '../shared/collectionSlugs.ts'
import { isInspecting } from '../shared/inspection.ts'
import { RECONCILE_LOCK_TTL_SECONDS, reconcileLockKey, timestampKey } from '../shared/keys.ts'
import { logOncePer, OUTAGE_LOG_INTERVAL_MS } from '../shared/outageLog.ts'
import type { PublishedConfig } from '../shared/publishedConfig.ts'
import { type StartupProbeHandle, startProbe } from '../shared/startupProbe.ts'
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
  // The CLI inspecting the app is no Better Auth instance: it claims no reconcile.
  if (isInspecting()) return
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
  // The CLI inspecting the app publishes nothing: its view of the options may not be the app's.
  if (isInspecting()) return Promise.resolve()
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

/**
 * Better Auth's start-up probe (src/shared/startupProbe.ts): records this start for Payload to
 * compare, and names a Payload set up with another storage, sync secret, basePath, usersSlug or
 * collectionPrefix, through Better Auth's logger. The warmup endpoint answers with its `startedAt`.
 */
export function startBetterAuthProbe(
  ctx: Pick<AuthContext, 'options' | 'logger'>,
  options: {
    storage: SecondaryStorage
    eventBus: EventBus
    syncSecret: string
    usersSlug: string
    collectionPrefix: string | undefined
  },
): Promise<StartupProbeHandle | null> {
  return startProbe({
    side: 'better-auth',
    storage: options.storage,
    eventBus: options.eventBus,
    syncSecret: options.syncSecret,
    settings: {
      basePath: ctx.options.basePath || '/api/auth',
      usersSlug: options.usersSlug,
      collectionPrefix: options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    },
    logError: (message) => ctx.logger.error(message),
  })
}
