import type { Access } from 'payload'
import type { EventBus } from '../eventBus/types.ts'
import type { SessionCookieOptions } from '../shared/sessionToken.ts'
import type { SecondaryStorage } from '../storage/types.ts'

export interface BetterAuthClientOptions extends SessionCookieOptions {
  /** Where browsers reach Better Auth, e.g. `http://localhost:3000`. */
  externalBaseURL: string
  /** Where this server reaches Better Auth (warmup, sign-in methods, sign-out), e.g. `http://localhost:3000`. */
  internalBaseURL: string
  /** Better Auth's `basePath`. Default `/api/auth`. */
  basePath?: string
}

export interface BetterAuthPayloadPluginOptions {
  betterAuthClientOptions: BetterAuthClientOptions
  /** The storage Better Auth writes its sessions to (its `secondaryStorage`). */
  storage: SecondaryStorage
  eventBus: EventBus
  /** Prefix of the mirror collections' slugs. Default `__better_auth`. */
  collectionPrefix?: string
  /** The users collection; extended if it exists, created if not. Default `users`. */
  usersSlug?: string
  /** Log more, and show the mirror collections in the admin under "Better Auth (DEBUG)". */
  debug?: boolean
  /** Keep the collections and fields (so the schema does not change) but do nothing else. */
  disabled?: boolean
  /** Who besides the sync may read or delete mirror rows; OR'd with the sync. */
  baCollectionsAccess?: { read?: Access; delete?: Access }
  /**
   * Replace Payload's admin login view with one made of Better Auth's sign-in methods (and a
   * first-user form on an empty database). Default true.
   */
  adminLoginView?: boolean
  /**
   * Better Auth's admin actions on a user's document (role, ban, sessions, impersonation, password,
   * two-factor reset), each shown when its plugin is on and the acting user may. Default true.
   */
  adminUserManagement?: boolean
  /**
   * Better Auth roles (its admin plugin's `role`, comma lists included) that may open the admin
   * and create users, for the users-collection rules the app did not write. Default `['admin']`.
   */
  adminRoles?: string[]
  /** Verifies session cookies. Default `process.env.BETTER_AUTH_SECRET`. */
  betterAuthSecret?: string
  /** Verifies sync writes. Default `process.env.BA_TO_PAYLOAD_SECRET`. */
  syncSecret?: string
}

/** What the Payload plugin hands its admin login view (as `serverProps` of the view's component). */
export interface BetterAuthLoginViewConfig {
  externalBaseURL: string
  internalBaseURL: string
  basePath: string
  usersSlug: string
}
