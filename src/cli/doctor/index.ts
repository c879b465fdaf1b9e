import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { SanitizedConfig } from 'payload'
import { beginInspection } from '../../shared/inspection.ts'
import { loadAuth, loadPayloadConfig } from '../loadApp.ts'
import type { Command } from '../main.ts'
import { checkEventBus } from './checkEventBus.ts'
import { checkPlugins } from './checkPlugins.ts'
import {
  checkReconcileToken,
  checkSecrets,
  sharedDatabaseSecrets,
  syncedSecrets,
} from './checkSecrets.ts'
import { checkSidesAgree } from './checkSidesAgree.ts'
import { checkStartupProbes } from './checkStartupProbes.ts'
import { checkSessionStorage, checkStorage } from './checkStorage.ts'
import { checkSync } from './checkSync.ts'
import { versionLine } from './checkVersions.ts'
import { type CheckLine, createReport, formatLine } from './lines.ts'
import { betterAuthSide, type DoctorAuth, payloadSide } from './sides.ts'
import { isSharedDatabase } from './topology.ts'

// `payload-better-auth doctor`: checks a deployment from the environment it runs in and the app's
// own config. It reads the options the plugins were given, resolves the secrets as the plugins do,
// and talks to the storage and the event bus the plugins were given; one line per check, with the
// fix when it fails. Each group of checks is in the file named for it (checkStorage.ts, ...).

export { versionLine } from './checkVersions.ts'
export { type CheckLine, type CheckStatus, formatLine } from './lines.ts'

export interface DoctorOptions {
  /** The app's Payload config (`loadPayloadConfig`). */
  config: SanitizedConfig
  /**
   * The app's Better Auth instance (`loadAuth`); its options are read, and its adapter's id when it
   * has no payloadBetterAuthPlugin.
   */
  auth: DoctorAuth
  /** How long an event may take through the bus (ms). Default 3 000. */
  busTimeoutMs?: number
  /** How long a storage call may take (ms). Default 5 000. */
  storageTimeoutMs?: number
  /** Each line as it is found (the CLI prints them as they come). */
  onLine?(line: CheckLine): void
}

/** Runs every check that applies to the app's topology; the lines, in order. */
export async function runDoctor(options: DoctorOptions): Promise<CheckLine[]> {
  const { config, auth, busTimeoutMs = 3_000, storageTimeoutMs = 5_000 } = options
  const report = createReport(options.onLine)
  // In every key and event this run writes, so that two runs (or a run and an app) never meet.
  const nonce = randomBytes(12).toString('base64url')

  if (await isSharedDatabase(auth)) {
    report.add({ status: 'ok', text: 'shared-database topology: no sync to check' })
    checkSecrets(report, sharedDatabaseSecrets(config, auth))
    await checkSessionStorage(report, auth, { nonce, timeoutMs: storageTimeoutMs })
    return report.lines
  }

  const payload = payloadSide(config)
  const betterAuth = betterAuthSide(auth)
  checkPlugins(report, payload, betterAuth)
  checkSecrets(report, syncedSecrets(config, payload, betterAuth))
  checkReconcileToken(report, betterAuth)
  if (!payload || !betterAuth) return report.lines

  checkSidesAgree(report, payload, betterAuth)
  await checkStorage(report, payload, betterAuth, { nonce, timeoutMs: storageTimeoutMs })
  await checkEventBus(report, payload, betterAuth, { nonce, timeoutMs: busTimeoutMs })
  await checkStartupProbes(report, payload, betterAuth, storageTimeoutMs)
  await checkSync(report, payload, betterAuth, storageTimeoutMs)
  return report.lines
}

const help = `Usage: payload-better-auth doctor [options]

Checks a deployment from the environment it runs in: the peers' versions, the secrets (set and
strong), the storage and the event bus (reachable, and shared by both sides), both sides' settings
agreeing, the start-up timestamps and the last full reconcile, the sync queue and its dead letters.
In the shared-database topology (Better Auth on payloadAdapter), there is no sync: the versions,
the secrets and Better Auth's secondaryStorage.
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
