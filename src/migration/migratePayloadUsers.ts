import type { AuthContext, BetterAuthOptions } from 'better-auth'
import type { Payload } from 'payload'
import { localAccountIssuer } from '../better-auth/accountIssuer.ts'
import { PAYLOAD_PASSWORDS_PLUGIN_ID, toMigratedHash } from '../better-auth/payloadPasswords.ts'
import { PLUGIN_ID as SYNC_PLUGIN_ID } from '../better-auth/plugin.ts'
import { PayloadBetterAuthError } from '../shared/errors.ts'
import { type MigratedIdFormat, migratedUserId } from '../shared/migratedUserId.ts'
import {
  forgetPayloadPassword,
  type PayloadLoginUser,
  payloadLoginUsers,
} from './payloadLoginUsers.ts'

// Moves the users of Payload's own login into Better Auth. Each user is a few steps, each safe to
// repeat, in an order that leaves nothing half-linked if the process dies between two of them:
// the Better Auth user first (with an id derived from the Payload id), then its credential account
// holding Payload's hash, then Payload's copy of the hash cleared. Running it again finishes what
// a killed run started and changes nothing that is done.

export type Topology = 'synced' | 'shared-database'

/** What happened to one user. */
export type UserOutcome =
  | 'migrated'
  | 'migrated-without-password'
  | 'already-migrated'
  | 'mirror'
  | 'failed'

export interface MigrationReport {
  topology: Topology
  dryRun: boolean
  total: number
  counts: Record<UserOutcome, number>
  /** Users that could not be migrated, with why and what to do. */
  failures: Array<{ id: string | number; email: string; reason: string }>
}

export interface MigrateOptions<Options extends BetterAuthOptions = BetterAuthOptions> {
  payload: Payload
  /** The Better Auth instance (its `$context` and `options`). */
  auth: { $context: Promise<AuthContext<Options>>; options: Options }
  /** Payload's users collection. Default: the admin's user collection, else `users`. */
  usersSlug?: string
  /** Report what would happen; write nothing. */
  dryRun?: boolean
  /** Called after each user with the running count. */
  onProgress?: (done: number, total: number, user: PayloadLoginUser, outcome: UserOutcome) => void
  /** Stops after this many users have been handled (to test that a killed run resumes). */
  stopAfter?: number
}

function topologyOf(ctx: AuthContext, options: BetterAuthOptions): Topology {
  if (options.plugins?.some((plugin) => plugin.id === SYNC_PLUGIN_ID)) return 'synced'
  if (ctx.adapter.id === 'payload') return 'shared-database'
  throw new PayloadBetterAuthError(
    'This Better Auth instance neither syncs to Payload (payloadBetterAuthPlugin) nor stores its data in Payload (payloadAdapter).',
    'Pass --auth the module of the Better Auth instance your app runs with this library.',
  )
}

function idFormatOf(options: BetterAuthOptions): MigratedIdFormat {
  const generateId = options.advanced?.database?.generateId
  if (generateId === 'uuid') return 'uuid'
  if (generateId === 'serial' || generateId === false) {
    throw new PayloadBetterAuthError(
      'In the synced topology the migration gives each user a Better Auth id derived from its Payload id, but Better Auth is set to let the database number its users (generateId: serial/false).',
      'Migrate with Better Auth\'s default ids (or generateId: "uuid"), then switch if you must.',
    )
  }
  return 'text'
}

const emptyCounts = (): Record<UserOutcome, number> => ({
  migrated: 0,
  'migrated-without-password': 0,
  'already-migrated': 0,
  mirror: 0,
  failed: 0,
})

/** Moves every user of Payload's login into Better Auth; see the file's comment for the order. */
export async function migratePayloadUsers<Options extends BetterAuthOptions>(
  options: MigrateOptions<Options>,
): Promise<MigrationReport> {
  const { payload, dryRun = false } = options
  // Only the internal adapter, the id settings and the plugins are used: the same for every Options.
  const ctx = (await options.auth.$context) as unknown as AuthContext
  const topology = topologyOf(ctx, options.auth.options)
  const hasVerifier = options.auth.options.plugins?.some(
    (plugin) => plugin.id === PAYLOAD_PASSWORDS_PLUGIN_ID,
  )
  if (!hasVerifier && !dryRun) {
    throw new PayloadBetterAuthError(
      'Better Auth has no payloadPasswords() plugin, so the migrated users could not sign in with their Payload passwords.',
      "Add payloadPasswords() (from 'payload-better-auth') to betterAuth({ plugins }) and run the migration again.",
    )
  }
  const usersSlug =
    options.usersSlug ??
    (topology === 'shared-database'
      ? (options.auth.options.user?.modelName ?? 'user')
      : (payload.config.admin.user ?? 'users'))
  if (!payload.collections[usersSlug]) {
    throw new PayloadBetterAuthError(
      `Payload has no collection "${usersSlug}" to migrate users from.`,
      "Pass --users <slug>: the auth collection that held Payload's logins.",
    )
  }
  const migrateUser =
    topology === 'synced' ? syncedStep(ctx, idFormatOf(ctx.options)) : sharedStep(ctx)
  const report: MigrationReport = {
    topology,
    dryRun,
    total: await payload.db
      .count({ collection: usersSlug, where: {} })
      .then((result) => result.totalDocs),
    counts: emptyCounts(),
    failures: [],
  }
  let done = 0
  for await (const page of payloadLoginUsers(payload, usersSlug)) {
    for (const user of page) {
      if (options.stopAfter !== undefined && done >= options.stopAfter) return report
      let outcome: UserOutcome
      try {
        outcome = await migrateUser(user, dryRun)
        if (!dryRun && user.password && outcome !== 'mirror') {
          await forgetPayloadPassword(payload, usersSlug, user.id)
        }
      } catch (error) {
        outcome = 'failed'
        report.failures.push({
          id: user.id,
          email: user.email,
          reason: error instanceof Error ? error.message : String(error),
        })
      }
      report.counts[outcome]++
      done++
      options.onProgress?.(done, report.total, user, outcome)
    }
  }
  return report
}

type Step = (user: PayloadLoginUser, dryRun: boolean) => Promise<UserOutcome>

/** Creates the credential account that holds Payload's hash, unless one exists. */
async function ensureCredential(
  ctx: AuthContext,
  userId: string,
  user: PayloadLoginUser,
  dryRun: boolean,
): Promise<boolean> {
  if (!user.password) return false
  const accounts = await ctx.internalAdapter.findAccounts(userId)
  if (accounts.some((account) => account.providerId === 'credential')) return false
  if (!dryRun) {
    await ctx.internalAdapter.createAccount({
      userId,
      providerId: 'credential',
      accountId: userId,
      password: toMigratedHash(user.password.salt, user.password.hash),
      ...localAccountIssuer(ctx.tables, 'credential'),
    })
  }
  return true
}

/**
 * Synced topology: a Better Auth user whose id is derived from the Payload id; the sync links it
 * to the existing row (its `baUserId`) by that id, so relationships to the row stay as they are.
 */
function syncedStep(ctx: AuthContext, format: MigratedIdFormat): Step {
  return async (user, dryRun) => {
    const row = user.row
    const linkedTo = typeof row.baUserId === 'string' && row.baUserId !== '' ? row.baUserId : null
    const id = migratedUserId(user.id, format)
    // A row the sync made for a Better Auth sign-up: nothing of Payload's login to move.
    if (linkedTo && linkedTo !== id) return 'mirror'
    if (!user.email) throw new Error('the Payload user has no email; give it one and run again')
    let created = false
    if (!(await ctx.internalAdapter.findUserById(id))) {
      const holder = await ctx.internalAdapter.findUserByEmail(user.email, {
        includeAccounts: false,
      })
      if (holder) {
        throw new Error(
          `Better Auth already has another user with this email (${holder.user.id}), signed up after the switch; delete one of the two in Better Auth, then run again`,
        )
      }
      if (!dryRun) {
        await ctx.internalAdapter.createUser(
          {
            id,
            email: user.email,
            name: user.name ?? '',
            emailVerified: user.verified === true,
            ...(user.createdAt ? { createdAt: user.createdAt } : {}),
          },
          { method: 'payload-migration' },
        )
      }
      created = true
    }
    const credential = await ensureCredential(ctx, id, user, dryRun)
    if (!created && !credential) {
      // Resuming a run that died after creating the user: the sync links the row on any change.
      if (!linkedTo && !dryRun) await ctx.internalAdapter.updateUser(id, { updatedAt: new Date() })
      return 'already-migrated'
    }
    return user.password ? 'migrated' : 'migrated-without-password'
  }
}

/**
 * Shared-database topology: the Payload row is the Better Auth user already (same id); it gains
 * what Better Auth's model needs that Payload's login did not have, and a credential account.
 */
function sharedStep(ctx: AuthContext): Step {
  return async (user, dryRun) => {
    const id = String(user.id)
    const row = user.row
    const fill: Record<string, unknown> = {}
    // Only where never set: a later verification in Better Auth must not be undone by a re-run.
    if (row.emailVerified === null || row.emailVerified === undefined) {
      fill.emailVerified = user.verified === true
    }
    if (row.name === null || row.name === undefined) fill.name = ''
    if (Object.keys(fill).length > 0 && !dryRun) await ctx.internalAdapter.updateUser(id, fill)
    const credential = await ensureCredential(ctx, id, user, dryRun)
    if (!credential && Object.keys(fill).length === 0) return 'already-migrated'
    return user.password ? 'migrated' : 'migrated-without-password'
  }
}
