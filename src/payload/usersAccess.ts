import type { Access, PayloadRequest } from 'payload'

// The trust boundary's access rules for a users collection. Sign-up through Better Auth is public,
// so a signed-in user is anyone on the internet: the rules an app did not write default to "self
// only", never to Payload's "any signed-in user".

/** Where the strategy puts what Better Auth says of the signed-in user (role, ban). */
export const BETTER_AUTH_USER = Symbol.for('payload-better-auth.user')

/** What Better Auth says of the signed-in user, attached to `req.user` by the strategy. */
export interface BetterAuthIdentity {
  id: string
  role?: string | null
  banned?: boolean | null
  /** The credential kind that authenticated the request: `session`, `cookie-cache`, `api-key`, `jwt`. */
  via?: string
  /** Better Auth's session id (session and cookie-cache credentials). */
  sessionId?: string
  /** The admin who is impersonating this user (admin plugin), when the session is an impersonation. */
  impersonatedBy?: string | null
  /** The API key the request came with, and what it may do in Payload (null: what its owner may). */
  apiKey?: { id: string; permissions: Record<string, string[]> | null }
}

type WithIdentity = { [BETTER_AUTH_USER]?: BetterAuthIdentity; role?: unknown }

/** The Better Auth user behind `req.user`, when the `better-auth` strategy authenticated it. */
export function betterAuthIdentity(user: unknown): BetterAuthIdentity | undefined {
  if (!user || typeof user !== 'object') return undefined
  return (user as WithIdentity)[BETTER_AUTH_USER]
}

/**
 * The Better Auth API key the request came with (its id, and what it may do in Payload: null for
 * its owner's access), or undefined when it came with none. For access rules: `req.user` is the
 * key's owner either way.
 */
export function betterAuthApiKey(user: unknown): BetterAuthIdentity['apiKey'] {
  return betterAuthIdentity(user)?.apiKey
}

/** The admin impersonating the signed-in user, if this request runs in an impersonation session. */
export function impersonatedBy(user: unknown): string | null {
  return betterAuthIdentity(user)?.impersonatedBy ?? null
}

/** The Better Auth user id behind a Payload user: the session's, else the mirrored `baUserId`. */
export function betterAuthUserId(user: unknown): string | undefined {
  const id = betterAuthIdentity(user)?.id ?? (user as { baUserId?: unknown } | null)?.baUserId
  return typeof id === 'string' && id ? id : undefined
}

/**
 * The user's Better Auth roles: the admin plugin's `role` (a comma list for several), from the
 * session Better Auth keeps up to date, or from the user row when it is Better Auth's own (shared
 * database topology).
 */
export function betterAuthRoles(user: unknown): string[] {
  if (!user || typeof user !== 'object') return []
  const role = betterAuthIdentity(user)?.role ?? (user as WithIdentity).role
  if (typeof role !== 'string') return []
  return role
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
}

export const hasAdminRole = (user: unknown, adminRoles: readonly string[]): boolean =>
  betterAuthRoles(user).some((role) => adminRoles.includes(role))

/** Default `access.admin`: only users whose Better Auth role is one of `adminRoles`. */
export const adminRoleAccess =
  (adminRoles: readonly string[]) =>
  ({ req }: { req: PayloadRequest }): boolean =>
    hasAdminRole(req.user, adminRoles)

/** Default read/update of a users collection: oneself only (a query constraint on `id`). */
export const selfOnly: Access = ({ req }) => (req.user ? { id: { equals: req.user.id } } : false)

/** Default create/delete of a users collection: nobody through Payload (users come from Better Auth). */
export const nobody: Access = () => false

export const DEFAULT_ADMIN_ROLES: readonly string[] = ['admin']
