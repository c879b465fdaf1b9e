import { parseArgs } from 'node:util'
import { getPayload } from 'payload'
import {
  type MigrationReport,
  migratePayloadUsers,
  type UserOutcome,
} from '../migration/migratePayloadUsers.ts'
import { beginInspection } from '../shared/inspection.ts'
import { loadAuth, loadPayloadConfig } from './loadApp.ts'
import type { Command } from './main.ts'

const help = `Usage: payload-better-auth migrate [options]

Moves the users of Payload's own login into Better Auth: each keeps its id (shared database) or
Payload row (synced), its email verification, its name and its password, which Better Auth
rewrites in its own format at the first sign-in. Safe to run again; a run that was stopped
finishes where it left off.

Options:
  --config <file>        Payload config (default: as Payload finds it, PAYLOAD_CONFIG_PATH first)
  --auth <file>          Module exporting your Better Auth instance (auth, default or getAuth())
  --users <slug>         Payload's users collection (default: admin.user, or Better Auth's user model)
  --dry-run              Say what would happen; write nothing
  --progress-every <n>   A progress line every n users (default 100)`

const OUTCOME_LABELS: Record<UserOutcome, string> = {
  migrated: 'migrated with their password',
  'migrated-without-password': 'migrated without a password (they had none in Payload)',
  'already-migrated': 'already migrated',
  mirror: 'Better Auth sign-ups (nothing to migrate)',
  failed: 'could not be migrated',
}

export function formatReport(report: MigrationReport): string {
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written): ' : ''}${report.total} Payload users, ${report.topology} topology`,
    ...Object.entries(report.counts)
      .filter(([, count]) => count > 0)
      .map(([outcome, count]) => `  ${count} ${OUTCOME_LABELS[outcome as UserOutcome]}`),
    ...report.failures.map(
      (failure) => `  failed: user ${failure.id} <${failure.email}>: ${failure.reason}`,
    ),
  ]
  return lines.join('\n')
}

export const migrateCommand: Command = {
  summary: "Move the users of Payload's own login into Better Auth",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        auth: { type: 'string' },
        users: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'progress-every': { type: 'string', default: '100' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      console.log(help)
      return 0
    }
    const every = Math.max(1, Number.parseInt(values['progress-every'], 10) || 100)
    // The app's Better Auth syncs the users this command creates (at once, in this process), but
    // runs no worker, reconcile or start-up probe here: this process is not one of the app's.
    beginInspection()
    const config = await loadPayloadConfig(values.config)
    const payload = await getPayload({ config })
    try {
      const auth = await loadAuth(values.auth)
      const report = await migratePayloadUsers({
        payload,
        auth,
        usersSlug: values.users,
        dryRun: values['dry-run'],
        onProgress: (done, total) => {
          if (done % every === 0 || done === total) console.log(`migrate: ${done}/${total} users`)
        },
      })
      console.log(formatReport(report))
      return report.failures.length > 0 ? 1 : 0
    } finally {
      await payload.destroy()
    }
  },
}
