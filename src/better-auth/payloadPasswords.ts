import { pbkdf2, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'

// Passwords of users moved from Payload's own login keep working: the migration stores Payload's
// pbkdf2 salt and hash in Better Auth's credential account, marked with a prefix Better Auth's own
// scrypt format (`<salt hex>:<key hex>`) can never start with. Better Auth's `password.verify`
// checks marked hashes as Payload did; the first sign-in that succeeds replaces the hash with
// Better Auth's own, and the Payload hash is gone.

export const PAYLOAD_PASSWORDS_PLUGIN_ID = 'payload-passwords'

/** Marks a hash copied from Payload (`payload-pbkdf2$<salt>$<Payload's hash field>`). */
const MIGRATED_HASH_PREFIX = 'payload-pbkdf2$'

// Payload's parameters (payload/src/auth/strategies/local/generatePasswordSaltHash.ts): hashes
// written since 3.x carry `pbkdf2-sha256-v1:` (600 000 iterations, 32 bytes); older ones are bare
// hex (25 000 iterations, 512 bytes). Both are pbkdf2 with SHA-256 over the salt's hex text.
const CURRENT_PAYLOAD_PREFIX = 'pbkdf2-sha256-v1:'
const PAYLOAD_PARAMETERS = {
  current: { iterations: 600_000, keyLength: 32 },
  legacy: { iterations: 25_000, keyLength: 512 },
}

const pbkdf2Async = promisify(pbkdf2)

/** Payload's `salt` and `hash` fields as Better Auth stores them until the first sign-in. */
export function toMigratedHash(salt: string, hash: string): string {
  return `${MIGRATED_HASH_PREFIX}${salt}$${hash}`
}

export function isMigratedHash(stored: unknown): stored is string {
  return typeof stored === 'string' && stored.startsWith(MIGRATED_HASH_PREFIX)
}

/** Whether `password` is the one Payload hashed into `stored` (constant-time comparison). */
export async function verifyMigratedHash(stored: string, password: string): Promise<boolean> {
  const [salt, hashField] = stored.slice(MIGRATED_HASH_PREFIX.length).split('$')
  if (!salt || !hashField) return false
  const current = hashField.startsWith(CURRENT_PAYLOAD_PREFIX)
  const { iterations, keyLength } = current ? PAYLOAD_PARAMETERS.current : PAYLOAD_PARAMETERS.legacy
  const expected = Buffer.from(
    current ? hashField.slice(CURRENT_PAYLOAD_PREFIX.length) : hashField,
    'hex',
  )
  if (expected.length !== keyLength) return false
  const actual = await pbkdf2Async(password, salt, iterations, keyLength, 'sha256')
  return timingSafeEqual(actual, expected)
}

type PasswordVerify = (data: { hash: string; password: string }) => Promise<boolean>

/**
 * Better Auth's `emailAndPassword.password.verify` that also accepts migrated Payload hashes;
 * every other hash goes to `verify` (Better Auth's own, or the app's).
 */
export function withMigratedHashes(verify: PasswordVerify): PasswordVerify {
  return (data) =>
    isMigratedHash(data.hash) ? verifyMigratedHash(data.hash, data.password) : verify(data)
}

/** Sign-ins that check a password and then hold it in the body. */
const PASSWORD_SIGN_IN_PATHS = new Set(['/sign-in/email', '/sign-in/username'])

/**
 * The Better Auth plugin for sites that moved from Payload's login (`npx payload-better-auth
 * migrate`): add it to `betterAuth({ plugins })` in either topology. It plugs the Payload hash
 * check into Better Auth's password verification and, on the first successful sign-in, rewrites
 * the hash in Better Auth's own format.
 */
export function payloadPasswords() {
  return {
    id: PAYLOAD_PASSWORDS_PLUGIN_ID,
    init(ctx) {
      return {
        context: { password: { ...ctx.password, verify: withMigratedHashes(ctx.password.verify) } },
      }
    },
    hooks: {
      after: [
        {
          matcher: (context) => PASSWORD_SIGN_IN_PATHS.has(context.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const userId = ctx.context.newSession?.user.id
            const password: unknown = ctx.body?.password
            if (!userId || typeof password !== 'string') return
            const accounts = await ctx.context.internalAdapter.findAccounts(userId)
            const credential = accounts.find((account) => account.providerId === 'credential')
            if (!isMigratedHash(credential?.password)) return
            // The sign-in just proved the password against this hash.
            await ctx.context.internalAdapter.updatePassword(
              userId,
              await ctx.context.password.hash(password),
            )
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin
}
