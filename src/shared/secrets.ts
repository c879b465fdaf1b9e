// Secrets come from options or the environment; in production a missing, short or example secret
// stops the start, because every check built on it would be worthless.

/** Better Auth's own development fallback; never acceptable in production. */
export const BETTER_AUTH_DEV_SECRET = 'better-auth-secret-12345678901234567890'

/** Ours for BA_TO_PAYLOAD_SECRET, so that both sides agree in development without set-up. */
export const SYNC_DEV_SECRET = 'payload-better-auth-development-sync-secret'

const EXAMPLE_SECRETS = new Set([
  BETTER_AUTH_DEV_SECRET,
  SYNC_DEV_SECRET,
  'your-secret-min-32-chars',
  'your-payload-secret',
  'your-sync-secret',
  'your-api-token',
  'reconcile-api-token',
  'changeme',
  'secret',
])

export const MIN_SECRET_LENGTH = 32

/** Whether the production rules apply: the plugins refuse a weak secret only there. */
export const isProduction = () => process.env.NODE_ENV === 'production'

/** What is wrong with `secret` by the production rules (`is not set`, ...), or null if nothing. */
export function secretProblem(secret: string | undefined): string | null {
  if (!secret) return 'is not set'
  if (EXAMPLE_SECRETS.has(secret)) return 'is an example value'
  if (secret.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters`
  return null
}

/**
 * Returns the secret to use. In production it must be set, at least 32 characters, and not an
 * example value; elsewhere a missing secret falls back to `devFallback` (with a warning) or fails.
 */
export function requireSecret(
  envName: string,
  value: string | undefined,
  { owner, devFallback }: { owner: string; devFallback?: string },
): string {
  const secret = value ?? process.env[envName]
  if (isProduction()) {
    const problem = secretProblem(secret)
    if (problem) {
      throw new Error(
        `${owner}: ${envName} ${problem}. In production it must be a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`).`,
      )
    }
    return secret as string
  }
  if (secret) return secret
  if (devFallback !== undefined) {
    console.warn(
      `${owner}: ${envName} is not set; using a development default (refused in production).`,
    )
    return devFallback
  }
  throw new Error(`${owner}: ${envName} is not set. Set it to the same value on both sides.`)
}
