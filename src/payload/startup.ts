import type { EventBus } from '../eventBus/types.ts'
import { timestampKey } from '../shared/keys.ts'
import { type ProbeSettings, type StartupProbeHandle, startProbe } from '../shared/startupProbe.ts'
import type { SecondaryStorage } from '../storage/types.ts'

interface StartupOptions {
  storage: SecondaryStorage
  eventBus: EventBus
  /** Better Auth's `GET <basePath>/warmup` at `internalBaseURL`. */
  warmupURL: string
  /** Warmup attempts before giving up (delays 0.5 s, 1 s, 2 s, ...). Default 6. */
  warmupAttempts?: number
  /** Compares this start with Better Auth's (src/shared/startupProbe.ts); errors go to `logError`. */
  probe?: { syncSecret: string; settings: ProbeSettings; logError(message: string): void }
}

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    // Never the reason the process stays up.
    setTimeout(resolve, ms).unref()
  })

/** Better Auth's warmup answer (what we read of it), or null if it never answered. */
async function warmUp(url: string, attempts: number): Promise<{ probeStartedAt?: unknown } | null> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      if (response.ok) return ((await response.json().catch(() => null)) ?? {}) as object
    } catch {
      // Better Auth is not up yet: try again below.
    }
    if (attempt < attempts - 1) await pause(500 * 2 ** attempt)
  }
  console.warn(
    `[payload] Better Auth did not answer at ${url} after ${attempts} attempts; it will reconcile when it starts (check internalBaseURL).`,
  )
  return null
}

/**
 * The Better Auth instance that answered the warmup names its start: its probe must be in this
 * storage. Catches another storage even when the event buses differ too (no announcement arrives).
 */
async function checkAnswer(
  probe: StartupProbeHandle | null,
  answer: { probeStartedAt?: unknown } | null,
  url: string,
): Promise<boolean> {
  if (!answer) return false
  if (probe && typeof answer.probeStartedAt === 'number') {
    await probe.checkStart(answer.probeStartedAt, `it answered the warmup at ${url}`)
  }
  return true
}

/** Where the Payload config keeps the plugin's options for `payload-better-auth doctor` (`custom` is server-only). */
export const PLUGIN_OPTIONS_KEY = 'payloadBetterAuth'

/**
 * Payload's part of the start-up protocol: record `timestamp:payload`, tell the bus, and wake Better
 * Auth so it reconciles; with `probe`, compare this start with Better Auth's. Nothing here can fail
 * or delay Payload's own start: the warmup runs in the background and a storage outage is logged.
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
  const probe = options.probe
    ? await startProbe({
        side: 'payload',
        storage: options.storage,
        eventBus: options.eventBus,
        ...options.probe,
      })
    : null
  const url = options.warmupURL
  const warmup = warmUp(url, options.warmupAttempts ?? 6).then((answer) =>
    checkAnswer(probe, answer, url).catch((error: unknown) => {
      options.probe?.logError(
        `[payload] start-up probe: could not check the warmup answer: ${String(error)}`,
      )
      return true
    }),
  )
  return { warmup }
}
