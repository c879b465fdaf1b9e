import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { BetterAuthOptions } from 'better-auth'
import type { SanitizedConfig } from 'payload'
import { DEAD_LETTER_KIND, syncQueueOf } from '../better-auth/durableQueue.ts'
import type { PayloadBetterAuthPluginOptions } from '../better-auth/options.ts'
import { PLUGIN_ID } from '../better-auth/plugin.ts'
import { createFailureLog } from '../better-auth/reconcile.ts'
import type { EventBus } from '../eventBus/types.ts'
import type { BetterAuthPayloadPluginOptions } from '../payload/options.ts'
import { PLUGIN_OPTIONS_KEY } from '../payload/startup.ts'
import { DEFAULT_COLLECTION_PREFIX } from '../shared/collectionSlugs.ts'
import { descriptionOf, isInProcess } from '../shared/description.ts'
import { PayloadBetterAuthError } from '../shared/errors.ts'
import { beginInspection } from '../shared/inspection.ts'
import {
  doctorKey,
  doctorService,
  probeKey,
  RECONCILE_LOCK_TTL_SECONDS,
  reconcileLockKey,
  SYNC_FAILURES_SINCE_KEY,
  timestampKey,
} from '../shared/keys.ts'
import { MIN_SECRET_LENGTH, secretProblem } from '../shared/secrets.ts'
import {
  type ProbeSettings,
  parseProbe,
  probeMismatches,
  SETTING_OPTIONS,
  type Side,
  STORAGE_FIX,
} from '../shared/startupProbe.ts'
import { checkVersions, installedVersions } from '../shared/versionCheck.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import { loadAuth, loadPayloadConfig } from './loadApp.ts'
import type { Command } from './main.ts'

// `payload-better-auth doctor`: checks a deployment from the environment it runs in and the app's
// own config. It reads the options the two plugins were given (Payload: `config.custom`, Better
// Auth: the plugin's `options`), resolves the secrets as the plugins do, and talks to the storage
// and the event bus the plugins were given; one line per check, with the fix when it fails.

export type CheckStatus = 'ok' | 'warn' | 'FAIL'

export interface CheckLine {
  status: CheckStatus
  text: string
  /** What to do; FAIL and warn lines have one. */
  fix?: string
}

/** `ok   storage answers (...)`, `FAIL sync secret differs ... — set the same ...`. */
export const formatLine = ({ status, text, fix }: CheckLine): string =>
  `${status.padEnd(4)} ${text}${fix ? ` — ${fix}` : ''}`

/** What doctor knows of one side: the plugin's options as given, resolved as the plugin does. */
interface SideView {
  side: Side
  name: 'Payload' | 'Better Auth'
  storage: SecondaryStorage
  eventBus: EventBus
  syncSecret: string | undefined
  /** Payload: `betterAuthSecret`, which must be Better Auth's secret; Better Auth: its secret. */
  betterAuthSecret: string | undefined
  settings: ProbeSettings
}

const env = (name: string) => process.env[name] || undefined
const envBetterAuthSecret = () => env('BETTER_AUTH_SECRET') ?? env('AUTH_SECRET')

function payloadSide(config: SanitizedConfig): SideView | null {
  const options = config.custom?.[PLUGIN_OPTIONS_KEY] as BetterAuthPayloadPluginOptions | undefined
  if (!options) return null
  return {
    side: 'payload',
    name: 'Payload',
    storage: options.storage,
    eventBus: options.eventBus,
    syncSecret: options.syncSecret ?? env('BA_TO_PAYLOAD_SECRET'),
    betterAuthSecret: options.betterAuthSecret ?? envBetterAuthSecret(),
    settings: {
      basePath: options.betterAuthClientOptions.basePath ?? '/api/auth',
      usersSlug: options.usersSlug ?? 'users',
      collectionPrefix: options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    },
  }
}

type BetterAuthSide = SideView & { options: PayloadBetterAuthPluginOptions }

function betterAuthSide(auth: { options: BetterAuthOptions }): BetterAuthSide | null {
  const plugin = auth.options.plugins?.find((candidate) => candidate.id === PLUGIN_ID)
  const options = plugin?.options as PayloadBetterAuthPluginOptions | undefined
  if (!options) return null
  return {
    side: 'better-auth',
    name: 'Better Auth',
    options,
    storage: options.storage,
    eventBus: options.eventBus,
    syncSecret: options.syncSecret ?? env('BA_TO_PAYLOAD_SECRET'),
    // Better Auth's own order.
    betterAuthSecret: auth.options.secret || envBetterAuthSecret(),
    settings: {
      basePath: auth.options.basePath || '/api/auth',
      usersSlug: options.usersSlug ?? 'users',
      collectionPrefix: options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    },
  }
}

const SECRET_FIX = `set it to a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`
const BUS_FIX =
  'give both plugins the same event bus (createRedisEventBus on the same Redis and channelPrefix, or createSqlitePollingEventBus on the same file)'

/** Rejects when `promise` takes longer than `ms`: a storage that hangs is a failed check. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Our errors' fixes are sentences; a line's fix follows a dash. */
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

const ago = (epochMs: number) => {
  const seconds = Math.max(0, Math.round((Date.now() - epochMs) / 1000))
  if (seconds < 120) return `${seconds} s ago`
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86_400)} days ago`
}
const when = (epochMs: number) => `${new Date(epochMs).toISOString()} (${ago(epochMs)})`

/** The peers' versions against the supported ranges. */
export function versionLine(): CheckLine {
  const installed = installedVersions()
  const error = checkVersions(installed)
  if (error) return { status: 'FAIL', text: error.problem, fix: error.fix }
  const found = Object.entries(installed)
    .map(([peer, version]) => `${peer} ${version ?? '(not installed)'}`)
    .join(', ')
  return { status: 'ok', text: `supported versions: ${found}` }
}

export interface DoctorOptions {
  /** The app's Payload config (`loadPayloadConfig`). */
  config: SanitizedConfig
  /** The app's Better Auth instance (`loadAuth`); only its options are read. */
  auth: { options: BetterAuthOptions }
  /** How long an event may take through the bus (ms). Default 3 000. */
  busTimeoutMs?: number
  /** How long a storage call may take (ms). Default 5 000. */
  storageTimeoutMs?: number
  /** Each line as it is found (the CLI prints them as they come). */
  onLine?(line: CheckLine): void
}

/** Runs every check on the loaded app; the lines, in order. */
export async function runDoctor(options: DoctorOptions): Promise<CheckLine[]> {
  const { config, auth, busTimeoutMs = 3_000, storageTimeoutMs = 5_000 } = options
  const lines: CheckLine[] = []
  const add = (line: CheckLine) => {
    lines.push(line)
    options.onLine?.(line)
  }
  /** Runs a check; whatever it throws is its FAIL line. */
  const check = async (what: string, body: () => Promise<void>, fix?: string) => {
    try {
      await body()
    } catch (error) {
      add({
        status: 'FAIL',
        text: `could not check ${what}: ${error instanceof Error ? error.message : String(error)}`,
        fix: error instanceof PayloadBetterAuthError ? lowerFirst(error.fix) : fix,
      })
    }
  }

  const payload = payloadSide(config)
  const betterAuth = betterAuthSide(auth)
  if (!payload) {
    add({
      status: 'FAIL',
      text: 'the Payload config has no betterAuthPayloadPlugin',
      fix: "add betterAuthPayloadPlugin({...}) to the config's plugins (or pass --config <file>)",
    })
  } else if ((config.custom[PLUGIN_OPTIONS_KEY] as { disabled?: boolean }).disabled) {
    add({
      status: 'warn',
      text: 'betterAuthPayloadPlugin is disabled: Payload authenticates nobody through Better Auth',
      fix: 'remove disabled: true when the migration is done',
    })
  }
  if (!betterAuth) {
    add({
      status: 'FAIL',
      text: 'the Better Auth instance has no payloadBetterAuthPlugin',
      fix: "add payloadBetterAuthPlugin({...}) to Better Auth's plugins (or pass --auth <file>)",
    })
  }
  const sides = [payload, betterAuth].filter((side): side is SideView => side !== null)

  // Secrets: each present and strong, as production requires.
  const secrets: Array<[string, string, string | undefined]> = [
    ['PAYLOAD_SECRET', "Payload's secret", config.secret],
    ...sides.map((side): [string, string, string | undefined] => [
      'BA_TO_PAYLOAD_SECRET',
      `${side.name}'s sync secret`,
      side.syncSecret,
    ]),
    ...sides.map((side): [string, string, string | undefined] => [
      'BETTER_AUTH_SECRET',
      side.side === 'payload'
        ? 'the Better Auth secret Payload verifies cookies with'
        : "Better Auth's secret",
      side.betterAuthSecret,
    ]),
  ]
  for (const [env, what, value] of secrets) {
    const problem = secretProblem(value)
    add(
      problem
        ? { status: 'FAIL', text: `${env} (${what}) ${problem}`, fix: SECRET_FIX }
        : { status: 'ok', text: `${env} (${what}) is set and strong` },
    )
  }
  const reconcileToken = betterAuth?.options.token
  if (betterAuth && !reconcileToken) {
    add({
      status: 'warn',
      text: 'RECONCILE_TOKEN is not set: the /reconcile endpoints are off',
      fix: 'set it (token option) to use them',
    })
  } else if (betterAuth && secretProblem(reconcileToken)) {
    add({
      status: 'FAIL',
      text: `RECONCILE_TOKEN ${secretProblem(reconcileToken)}`,
      fix: SECRET_FIX,
    })
  }

  if (!payload || !betterAuth) return lines

  // The two sides agree.
  if (payload.syncSecret !== betterAuth.syncSecret) {
    add({
      status: 'FAIL',
      text: 'sync secret differs between the sides: Payload refuses every sync write from Better Auth',
      fix: 'set the same BA_TO_PAYLOAD_SECRET on both (or the same syncSecret option in both plugins)',
    })
  } else {
    add({ status: 'ok', text: 'both sides have the same BA_TO_PAYLOAD_SECRET' })
  }
  if (payload.betterAuthSecret !== betterAuth.betterAuthSecret) {
    add({
      status: 'FAIL',
      text: 'BETTER_AUTH_SECRET differs between the sides: Payload ignores every session cookie Better Auth signs',
      fix: "set the same BETTER_AUTH_SECRET on both (or betterAuthPayloadPlugin's betterAuthSecret to Better Auth's secret)",
    })
  } else {
    add({ status: 'ok', text: 'both sides have the same BETTER_AUTH_SECRET' })
  }
  for (const setting of Object.keys(SETTING_OPTIONS) as Array<keyof ProbeSettings>) {
    const [ours, theirs] = [payload.settings[setting], betterAuth.settings[setting]]
    add(
      ours === theirs
        ? { status: 'ok', text: `both sides have ${setting} "${ours}"` }
        : {
            status: 'FAIL',
            text: `${setting} differs between the sides: Payload has "${ours}" (${SETTING_OPTIONS[setting].payload}), Better Auth has "${theirs}" (${SETTING_OPTIONS[setting]['better-auth']})`,
            fix: `set the same ${setting} on both`,
          },
    )
  }

  // The storage: each side's answers, and it is one storage.
  const shared = payload.storage === betterAuth.storage
  const nonce = randomBytes(12).toString('base64url')
  const describe = (side: SideView) => descriptionOf(side.storage, 'a custom storage')
  for (const side of shared ? [payload] : sides) {
    await check(`${side.name}'s storage (${describe(side)})`, async () => {
      const key = doctorKey(`${nonce}:${side.side}`)
      await within(side.storage.set(key, nonce, 60), storageTimeoutMs, 'set')
      const read = await within(side.storage.get(key), storageTimeoutMs, 'get')
      await within(side.storage.delete(key), storageTimeoutMs, 'delete')
      if (read !== nonce) throw new Error(`it returned ${JSON.stringify(read)} for a key just set`)
      add({
        status: 'ok',
        text: `${shared ? 'storage' : `${side.name}'s storage`} answers (${describe(side)})${shared ? '; both sides use it' : ''}`,
      })
    })
  }
  let sameStorage = shared
  if (!shared) {
    await check('whether both sides share the storage', async () => {
      const key = doctorKey(nonce)
      await within(payload.storage.set(key, nonce, 60), storageTimeoutMs, 'set')
      const read = await within(betterAuth.storage.get(key), storageTimeoutMs, 'get')
      await within(payload.storage.delete(key), storageTimeoutMs, 'delete')
      sameStorage = read === nonce
      add(
        sameStorage
          ? { status: 'ok', text: 'both sides share one storage' }
          : {
              status: 'FAIL',
              text: `the two sides use different storages (Payload: ${describe(payload)}; Better Auth: ${describe(betterAuth)}): a key Payload writes is not in Better Auth's`,
              fix: lowerFirst(STORAGE_FIX),
            },
      )
    })
  }
  if (sides.some((side) => isInProcess(side.storage))) {
    add({
      status: 'warn',
      text: 'the storage is in memory: it is shared only by two plugins in one process, and empty after a restart',
      fix: 'use createRedisStorage (or createSqliteStorage on one machine) in production',
    })
  }

  // The event bus: an event sent by each side reaches the other.
  await check('the event bus', async () => {
    const failures: string[] = []
    for (const [from, to] of [
      [payload, betterAuth],
      [betterAuth, payload],
    ] as const) {
      const service = doctorService(`${nonce}:${from.side}`)
      const sent = Date.now()
      let unsubscribe = () => {}
      const delivered = new Promise<boolean>((resolve) => {
        unsubscribe = to.eventBus.subscribeToTimestamp(service, (timestamp) => {
          if (timestamp === sent) resolve(true)
        })
        setTimeout(() => resolve(false), busTimeoutMs).unref()
      })
      try {
        await within(to.eventBus.ready?.() ?? Promise.resolve(), busTimeoutMs, 'subscribe')
        from.eventBus.notifyTimestampChange(service, sent)
        if (!(await delivered)) failures.push(`${from.name} → ${to.name}`)
      } finally {
        unsubscribe()
      }
    }
    const buses = shared
      ? descriptionOf(payload.eventBus, 'a custom event bus')
      : `Payload: ${descriptionOf(payload.eventBus, 'a custom event bus')}; Better Auth: ${descriptionOf(betterAuth.eventBus, 'a custom event bus')}`
    add(
      failures.length === 0
        ? { status: 'ok', text: `the event bus carries events both ways (${buses})` }
        : {
            status: 'FAIL',
            text: `events sent on the event bus did not arrive within ${busTimeoutMs} ms (${failures.join(', ')}; ${buses})`,
            fix: BUS_FIX,
          },
    )
  })
  if (sides.some((side) => isInProcess(side.eventBus))) {
    add({
      status: 'warn',
      text: 'the event bus is in memory: it reaches only the plugins in this process',
      fix: 'use createRedisEventBus (or createSqlitePollingEventBus on one machine) in production',
    })
  }

  // The running sides: what each recorded at its last start agrees with the other side here.
  await check('the start-up probes', async () => {
    for (const [recorded, judge] of [
      [payload, betterAuth],
      [betterAuth, payload],
    ] as const) {
      const probe = parseProbe(
        await within(recorded.storage.get(probeKey(recorded.side)), storageTimeoutMs, 'get'),
      )
      if (!probe) {
        add({
          status: 'warn',
          text: `no start-up probe of ${recorded.name} in its storage (${probeKey(recorded.side)})`,
          fix: `start ${recorded.name} (this version of the plugin) with this storage, then run doctor again`,
        })
        continue
      }
      const mismatches = probeMismatches({ ...judge, syncSecret: judge.syncSecret ?? '' }, probe)
      for (const error of mismatches) {
        add({
          status: 'FAIL',
          text: `running ${recorded.name}: ${error.problem}`,
          fix: lowerFirst(error.fix),
        })
      }
      if (mismatches.length === 0) {
        add({
          status: 'ok',
          text: `${recorded.name}'s last start (${when(probe.startedAt)}) agrees with ${judge.name}'s settings here`,
        })
      }
    }
  })

  // The start-up protocol and the reconcile.
  await check('the start-up timestamps', async () => {
    const get = (storage: SecondaryStorage, key: string) =>
      within(storage.get(key), storageTimeoutMs, 'get')
    const payloadStart = Number(await get(payload.storage, timestampKey('payload'))) || 0
    const betterAuthStart = Number(await get(betterAuth.storage, timestampKey('better-auth'))) || 0
    const caughtUp = betterAuthStart
      ? `; Better Auth last caught up at its start ${when(betterAuthStart)}`
      : ''
    if (!payloadStart) {
      add({
        status: 'warn',
        text: `Payload has recorded no start in its storage (${timestampKey('payload')})${caughtUp}`,
        fix: 'start Payload with betterAuthPayloadPlugin and this storage',
      })
      return
    }
    const claimed = await get(betterAuth.storage, reconcileLockKey(payloadStart))
    if (claimed !== null || Date.now() - payloadStart > RECONCILE_LOCK_TTL_SECONDS * 1000) {
      add({
        status: 'ok',
        text: `Payload last started ${when(payloadStart)}${claimed !== null ? ' and Better Auth took it up (full reconcile claimed)' : ''}${caughtUp}`,
      })
    } else {
      add({
        status: 'FAIL',
        text: `no Better Auth instance took up Payload's start at ${when(payloadStart)} (${reconcileLockKey(payloadStart)} is not in Better Auth's storage)`,
        fix: 'start Better Auth, with the same storage and event bus as Payload',
      })
    }
  })
  await check('the last full reconcile', async () => {
    const last = Number(
      await within(betterAuth.storage.get(SYNC_FAILURES_SINCE_KEY), storageTimeoutMs, 'get'),
    )
    const everyMs = betterAuth.options.reconcileEveryMs ?? 30 * 60_000
    if (!last) {
      add({
        status: 'warn',
        text: 'no full reconcile has finished with this storage yet',
        fix: `one runs at Better Auth's start after Payload's and every ${Math.round(everyMs / 60_000)} min; POST ${betterAuth.settings.basePath}/reconcile/run starts one`,
      })
    } else if (Date.now() - last > 2 * everyMs + 10 * 60_000) {
      add({
        status: 'warn',
        text: `the last full reconcile started ${when(last)}, though one runs every ${Math.round(everyMs / 60_000)} min`,
        fix: 'check that a Better Auth instance is running and its worker is not failing (its log says why)',
      })
    } else {
      add({ status: 'ok', text: `the last full reconcile started ${when(last)}` })
    }
  })

  // The sync's queue.
  await check('the sync queue', async () => {
    const queue = syncQueueOf(betterAuth.storage)
    const [size, dead, failing] = await within(
      Promise.all([
        queue.size(),
        queue.count(DEAD_LETTER_KIND),
        createFailureLog(betterAuth.storage).list(),
      ]),
      storageTimeoutMs,
      'queue',
    )
    const base = betterAuth.settings.basePath
    add({
      status: failing.length > 0 ? 'warn' : 'ok',
      text: `sync queue: ${size} task${size === 1 ? '' : 's'} waiting; ${failing.length} user${failing.length === 1 ? '' : 's'} the sync could not write`,
      ...(failing.length > 0
        ? { fix: `GET ${base}/reconcile/status lists them with the reason` }
        : {}),
    })
    add(
      dead === 0
        ? { status: 'ok', text: 'no dead letters' }
        : {
            status: 'FAIL',
            text: `${dead} dead letter${dead === 1 ? '' : 's'} (sync tasks that failed every attempt)`,
            fix: `GET ${base}/reconcile/dead-letters says why; fix the cause, then POST ${base}/reconcile/retry`,
          },
    )
  })
  return lines
}

const help = `Usage: payload-better-auth doctor [options]

Checks a deployment from the environment it runs in: the peers' versions, the secrets (set and
strong), the storage and the event bus (reachable, and shared by both sides), both sides' settings
agreeing, the start-up timestamps and the last full reconcile, the sync queue and its dead letters.
One line per check; the exit code is 1 when any check fails.

Options:
  --config <file>   Payload config (default: as Payload finds it, PAYLOAD_CONFIG_PATH first)
  --auth <file>     Module exporting your Better Auth instance (auth, default or getAuth())`

export const doctorCommand: Command = {
  summary: 'Check a deployment',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        auth: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      console.log(help)
      return 0
    }
    const lines: CheckLine[] = []
    const print = (line: CheckLine) => {
      lines.push(line)
      console.log(formatLine(line))
    }
    // Loading the auth module runs Better Auth's init: this process must not act as an instance.
    beginInspection()
    print(versionLine())
    const load = async <T>(what: string, fix: string, body: () => Promise<T>) => {
      try {
        return await body()
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        print({ status: 'FAIL', text: `could not load ${what}: ${message}`, fix })
        return null
      }
    }
    const config = await load('the Payload config', 'pass --config <file>', () =>
      loadPayloadConfig(values.config),
    )
    const auth = await load('the Better Auth module', 'pass --auth <file>', () =>
      loadAuth(values.auth),
    )
    if (config && auth) await runDoctor({ config, auth, onLine: print })
    const failed = lines.filter((line) => line.status === 'FAIL').length
    console.log(failed === 0 ? '\nAll checks passed.' : `\n${failed} check(s) failed.`)
    return failed === 0 ? 0 : 1
  },
}
