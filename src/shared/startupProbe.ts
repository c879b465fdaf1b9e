import type { EventBus } from '../eventBus/types.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import { descriptionOf } from './description.ts'
import { PayloadBetterAuthError } from './errors.ts'
import { isInspecting } from './inspection.ts'
import { PROBE_START_TTL_SECONDS, probeKey, probeService, probeStartKey } from './keys.ts'
import {
  checkSyncSignature,
  type SyncOperation,
  type SyncSignature,
  signSyncOperation,
} from './syncSignature.ts'

// How the two sides find out, at start, that they were set up apart. Each start writes a probe to
// the storage: the settings both must share, signed with the sync secret. The other side reads it
// from *its* storage: a bad signature means another BA_TO_PAYLOAD_SECRET, other settings name
// themselves, and a start announced on the event bus (or by Better Auth's warmup answer) whose
// probe is not there means another storage. Either side may start first: the second compares at
// start, the first when it hears the second on the bus, and it answers with its own start so that
// the second checks it too. A mismatch is logged as an error, never thrown: the other side is
// already running, and a half-done rollout should not take a working side down.

export type Side = 'payload' | 'better-auth'

const NAME: Record<Side, string> = { payload: 'Payload', 'better-auth': 'Better Auth' }
const other = (side: Side): Side => (side === 'payload' ? 'better-auth' : 'payload')

/** What the two sides must agree on, as each resolved it. */
export interface ProbeSettings {
  /** Better Auth's `basePath` (Payload: `betterAuthClientOptions.basePath`). */
  basePath: string
  usersSlug: string
  collectionPrefix: string
}

/** Where each side sets each setting, for the fix. */
export const SETTING_OPTIONS: Record<keyof ProbeSettings, Record<Side, string>> = {
  basePath: {
    payload: 'betterAuthClientOptions.basePath',
    'better-auth': "Better Auth's basePath",
  },
  usersSlug: { payload: 'usersSlug', 'better-auth': 'usersSlug' },
  collectionPrefix: { payload: 'collectionPrefix', 'better-auth': 'collectionPrefix' },
}

/** What a difference breaks. */
const CONSEQUENCE: Record<keyof ProbeSettings, string> = {
  basePath:
    'Payload calls Better Auth (warmup, sign-in methods, sign-out) at a path it does not serve',
  usersSlug: 'the sync writes users into another collection than the one Payload authenticates',
  collectionPrefix: 'the sync writes accounts into mirror collections Payload does not have',
}

/** One start of one side, as stored under `probe:<side>` and `probe:<side>:<startedAt>`. */
export interface StartupProbe {
  v: 1
  side: Side
  startedAt: number
  settings: ProbeSettings
  /** The storage as that side describes it ("redis 127.0.0.1:6379/0, prefix ba:"). */
  storage: string
  signature: SyncSignature
}

/**
 * Signed as a sync operation on a collection no Payload config can have (the slug has a colon),
 * so the signature authorizes no write.
 */
const probeOperation = (probe: Omit<StartupProbe, 'signature'>): SyncOperation => ({
  op: 'update',
  collection: 'payload-better-auth:startup-probe',
  id: probe.side,
  data: {
    v: probe.v,
    startedAt: probe.startedAt,
    settings: probe.settings,
    storage: probe.storage,
  },
})

export function signProbe(
  syncSecret: string,
  probe: Omit<StartupProbe, 'v' | 'signature'>,
): StartupProbe {
  const unsigned = { v: 1 as const, ...probe }
  return {
    ...unsigned,
    signature: signSyncOperation(syncSecret, probeOperation(unsigned), probe.startedAt),
  }
}

/** The probe in `raw`, or null if it is absent or not one. */
export function parseProbe(raw: string | null): StartupProbe | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<StartupProbe> | null
    const settings = value?.settings as Partial<ProbeSettings> | undefined
    if (
      value?.v !== 1 ||
      (value.side !== 'payload' && value.side !== 'better-auth') ||
      typeof value.startedAt !== 'number' ||
      typeof settings?.basePath !== 'string' ||
      typeof settings.usersSlug !== 'string' ||
      typeof settings.collectionPrefix !== 'string'
    ) {
      return null
    }
    return value as StartupProbe
  } catch {
    return null
  }
}

const at = (epochMs: number) => new Date(epochMs).toISOString()

/**
 * Everything on which `probe` (the other side's start) disagrees with this side: a signature made
 * with another sync secret, and each differing setting. Empty when they agree.
 */
export function probeMismatches(
  mine: { side: Side; syncSecret: string; settings: ProbeSettings },
  probe: StartupProbe,
): PayloadBetterAuthError[] {
  if (probe.side === mine.side) return []
  const them = NAME[probe.side]
  const errors: PayloadBetterAuthError[] = []
  // The probe proves who holds the secret, not freshness: judged at its own time, and its nonce is
  // never claimed (every instance reads it).
  const verdict = checkSyncSignature(
    mine.syncSecret,
    probeOperation(probe),
    probe.signature,
    probe.signature?.ts,
  )
  if (!verdict.valid) {
    errors.push(
      new PayloadBetterAuthError(
        `BA_TO_PAYLOAD_SECRET differs between the sides: ${them}'s start-up probe (${them} started ${at(probe.startedAt)}) is not signed with ${NAME[mine.side]}'s sync secret, so Payload refuses every sync write from Better Auth (${verdict.reason}).`,
        'Set the same BA_TO_PAYLOAD_SECRET (or the same syncSecret option) for both plugins, then restart both.',
      ),
    )
  }
  for (const setting of Object.keys(SETTING_OPTIONS) as Array<keyof ProbeSettings>) {
    const mineValue = mine.settings[setting]
    const theirs = probe.settings[setting]
    if (mineValue === theirs) continue
    const values: Record<Side, string> = { [mine.side]: mineValue, [probe.side]: theirs } as Record<
      Side,
      string
    >
    errors.push(
      new PayloadBetterAuthError(
        `${setting} differs between the sides (compared with ${them}'s start at ${at(probe.startedAt)}): Payload has "${values.payload}" (${SETTING_OPTIONS[setting].payload}), Better Auth has "${values['better-auth']}" (${SETTING_OPTIONS[setting]['better-auth']}), so ${CONSEQUENCE[setting]}.`,
        `Set the same ${setting} on both sides.`,
      ),
    )
  }
  return errors
}

export const STORAGE_FIX =
  'Give both plugins the same storage: the same Redis server, database and key prefix, or the same SQLite file (a memory storage is shared only by two plugins in one process).'

/** The other side started at `startedAt` (as `how` says), and its probe is not in this storage. */
export function differentStorages(
  side: Side,
  startedAt: number,
  how: string,
  storage: string,
): PayloadBetterAuthError {
  const them = NAME[other(side)]
  return new PayloadBetterAuthError(
    `The two sides use different storages: ${them} started at ${at(startedAt)} (${how}), but its start-up probe is not in ${NAME[side]}'s storage (${storage}), so Payload finds none of the sessions Better Auth writes and the sync's queue is not shared.`,
    STORAGE_FIX,
  )
}

/** A side's probe after start: the other side's starts are checked against it. */
export interface StartupProbeHandle {
  readonly startedAt: number
  /** Checks the other side's start at `startedAt`, announced through `how`. */
  checkStart(startedAt: number, how: string): Promise<void>
  /** Writes the start again (its key expires), e.g. before announcing it once more; its time. */
  refresh(): Promise<number>
}

export interface StartProbeOptions {
  side: Side
  storage: SecondaryStorage
  eventBus: EventBus
  syncSecret: string
  settings: ProbeSettings
  /** Where a mismatch goes: Payload's `payload.logger`, Better Auth's `ctx.logger`. */
  logError(message: string): void
}

/** Remembers this many of the other side's starts, so that each is checked (and answered) once. */
const REMEMBERED_STARTS = 1_000
const REFRESH_EVERY_MS = 60_000

/**
 * Writes this side's probe (awaited: Better Auth's warmup answer names this start, and the other
 * side looks it up), then, in the background, compares the other side's latest probe, listens for
 * its starts and announces this one. Returns null while the CLI only inspects the app.
 */
export async function startProbe(options: StartProbeOptions): Promise<StartupProbeHandle | null> {
  if (isInspecting()) return null
  const { side, storage, eventBus, syncSecret, settings, logError } = options
  const prefix = `[${side}]`
  const where = descriptionOf(storage, 'a custom storage')
  const startedAt = Date.now()
  const record = JSON.stringify(
    signProbe(syncSecret, { side, startedAt, settings, storage: where }),
  )
  const reported = new Set<string>()
  const report = (error: PayloadBetterAuthError) => {
    if (reported.has(error.message)) return
    reported.add(error.message)
    logError(`${prefix} ${error.message}`)
  }
  const mine = { side, syncSecret, settings }

  let written = 0
  const refresh = async () => {
    // Better Auth refreshes on every warmup answer: once a minute is enough for a 7-day key.
    if (Date.now() - written < REFRESH_EVERY_MS) return startedAt
    await Promise.all([
      storage.set(probeKey(side), record),
      storage.set(probeStartKey(side, startedAt), record, PROBE_START_TTL_SECONDS),
    ])
    written = Date.now()
    return startedAt
  }
  const checkStart = async (theirStart: number, how: string) => {
    const probe = parseProbe(await storage.get(probeStartKey(other(side), theirStart)))
    if (!probe) return report(differentStorages(side, theirStart, how, where))
    for (const error of probeMismatches(mine, probe)) report(error)
  }
  const fail = (what: string) => (error: unknown) =>
    logError(`${prefix} start-up probe: could not ${what}: ${String(error)}`)

  try {
    await refresh()
  } catch (error) {
    fail(`write it to the storage (${where})`)(error)
  }

  const heard = new Set<number>()
  eventBus.subscribeToTimestamp(probeService(other(side)), (theirStart) => {
    if (heard.has(theirStart)) return
    if (heard.size >= REMEMBERED_STARTS) heard.clear()
    heard.add(theirStart)
    void (async () => {
      await checkStart(theirStart, 'announced on the event bus')
      // It started after this side, so it could not compare this side's start: announce it again.
      if (theirStart > startedAt) {
        await refresh()
        eventBus.notifyTimestampChange(probeService(side), startedAt)
      }
    })().catch((error: unknown) => {
      heard.delete(theirStart)
      fail('check a start announced on the event bus')(error)
    })
  })
  void (async () => {
    const latest = parseProbe(await storage.get(probeKey(other(side))))
    if (latest) for (const error of probeMismatches(mine, latest)) report(error)
    // Subscribed before announcing, so that the answer of a side that started earlier is heard.
    await eventBus.ready?.()
    eventBus.notifyTimestampChange(probeService(side), startedAt)
  })().catch(fail('compare with the other side or announce this start'))

  return { startedAt, checkStart, refresh }
}
