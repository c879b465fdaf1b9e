import type { SanitizedConfig } from 'payload'
import { isProduction, MIN_SECRET_LENGTH, secretProblem } from '../../shared/secrets.ts'
import type { CheckLine, Report } from './lines.ts'
import { type BetterAuthSide, betterAuthSecretOf, type DoctorAuth, type SideView } from './sides.ts'

const SECRET_FIX = `set it to a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`

/** A secret to judge: its environment variable, whose secret it is, the value the side uses. */
interface Secret {
  env: string
  what: string
  value: string | undefined
}

/**
 * A secret the production rules refuse. The plugins refuse it only in production (`requireSecret`),
 * so elsewhere it is a warning: development runs on short or default secrets.
 */
const weakSecret = (subject: string, problem: string): CheckLine =>
  isProduction()
    ? { status: 'FAIL', text: `${subject} ${problem}`, fix: SECRET_FIX }
    : {
        status: 'warn',
        text: `${subject} ${problem} (refused when NODE_ENV=production)`,
        fix: SECRET_FIX,
      }

/** Each secret present and strong. */
export function checkSecrets(report: Report, secrets: Secret[]): void {
  for (const { env, what, value } of secrets) {
    const problem = secretProblem(value)
    report.add(
      problem
        ? weakSecret(`${env} (${what})`, problem)
        : { status: 'ok', text: `${env} (${what}) is set and strong` },
    )
  }
}

const payloadSecret = (config: SanitizedConfig): Secret => ({
  env: 'PAYLOAD_SECRET',
  what: "Payload's secret",
  value: config.secret,
})

/** The synced topology's: Payload's, each side's sync secret, each side's Better Auth secret. */
export function syncedSecrets(
  config: SanitizedConfig,
  payload: SideView | null,
  betterAuth: SideView | null,
): Secret[] {
  // A side without its plugin has no secrets of its own: its missing plugin is the line.
  const sides = [payload, betterAuth].filter((side) => side !== null)
  return [
    payloadSecret(config),
    ...sides.map((side) => ({
      env: 'BA_TO_PAYLOAD_SECRET',
      what: `${side.name}'s sync secret`,
      value: side.syncSecret,
    })),
    ...sides.map((side) => ({
      env: 'BETTER_AUTH_SECRET',
      what:
        side.side === 'payload'
          ? 'the Better Auth secret Payload verifies cookies with'
          : "Better Auth's secret",
      value: side.betterAuthSecret,
    })),
  ]
}

/** The shared-database topology's: Payload's and Better Auth's own (no sync secret there). */
export function sharedDatabaseSecrets(config: SanitizedConfig, auth: DoctorAuth): Secret[] {
  return [
    payloadSecret(config),
    {
      env: 'BETTER_AUTH_SECRET',
      what: "Better Auth's secret",
      value: betterAuthSecretOf(auth.options),
    },
  ]
}

/** The token of the /reconcile endpoints: optional (no token turns them off), strong when set. */
export function checkReconcileToken(report: Report, betterAuth: BetterAuthSide | null): void {
  if (!betterAuth) return
  const token = betterAuth.options.token
  if (!token) {
    report.add({
      status: 'warn',
      text: 'RECONCILE_TOKEN is not set: the /reconcile endpoints are off',
      fix: 'set it (token option) to use them',
    })
    return
  }
  const problem = secretProblem(token)
  if (problem) report.add(weakSecret('RECONCILE_TOKEN', problem))
}
