import type { EventBus } from '../eventBus/types.ts'
import { timestampKey } from '../shared/keys.ts'
import type { SecondaryStorage } from '../storage/types.ts'

interface StartupOptions {
  storage: SecondaryStorage
  eventBus: EventBus
  /** Better Auth's `GET <basePath>/warmup` at `internalBaseURL`. */
  warmupURL: string
  /** Warmup attempts before giving up (delays 0.5 s, 1 s, 2 s, ...). Default 6. */
  warmupAttempts?: number
}

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    // Never the reason the process stays up.
    setTimeout(resolve, ms).unref()
  })

async function warmUp(url: string, attempts: number): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      if (response.ok) return true
    } catch {
      // Better Auth is not up yet: try again below.
    }
    if (attempt < attempts - 1) await pause(500 * 2 ** attempt)
  }
  console.warn(
    `[payload] Better Auth did not answer at ${url} after ${attempts} attempts; it will reconcile when it starts (check internalBaseURL).`,
  )
  return false
}

/**
 * Payload's part of the start-up protocol: record `timestamp:payload`, tell the bus, and wake Better
 * Auth so it reconciles. Nothing here can fail or delay Payload's own start: the warmup runs in the
 * background and a storage outage is logged.
 */
export async function announcePayloadStart(
  options: StartupOptions,
): Promise<{ warmup: Promise<boolean> }> {
  const now = Date.now()
  try {
    await options.storage.set(timestampKey('payload'), String(now))
  } catch (error) {
    console.error(`[payload] could not record timestamp:payload in the storage: ${String(error)}`)
  }
  try {
    options.eventBus.notifyTimestampChange('payload', now)
  } catch (error) {
    console.error(`[payload] could not notify the event bus: ${String(error)}`)
  }
  return { warmup: warmUp(options.warmupURL, options.warmupAttempts ?? 6) }
}
