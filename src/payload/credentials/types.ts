import type { Payload, TypeWithID } from 'payload'
import type { PublishedConfig } from '../../shared/publishedConfig.ts'

// The contract between the strategy (`strategy.ts`, the dispatcher) and one module per credential
// kind. A kind reads its credential off the request and asks Better Auth's state whether it holds;
// the dispatcher owns everything they share: the user lookup, the ban on the row, `req.user`.

/** A Payload user row as the lookup returns it. */
export type PayloadUserRow = TypeWithID & Record<string, unknown>

export interface CredentialRequest {
  headers: Headers
  payload: Payload
  /** Whether the response can carry headers (refreshed cookies): REST and GraphQL, not pages. */
  canSetHeaders: boolean
  /** Whether a cookie may authenticate this request (Payload's CSRF rule, see `cookieRequestAllowed`). */
  cookiesAllowed: boolean
  /**
   * The rules Better Auth published (sliding sessions, cookie cache, ...); null until it has. Cached
   * (see `publishedConfigReader`): ask only once the request carries a credential of your kind.
   */
  config(): Promise<PublishedConfig | null>
  /**
   * The Payload user of a Better Auth user id. The first call starts the lookup and later calls share
   * it, so a kind can start it early and let it run beside its own checks.
   */
  findUser(userId: string): Promise<PayloadUserRow | null>
}

/** A credential that holds: whose it is, and what Better Auth says with it. */
export interface VerifiedCredential {
  /** Better Auth's user id. */
  userId: string
  /** Which kind verified it (`CredentialKind.name`). */
  via: string
  /** The admin plugin's role and ban as the session caches them (the row's ban is checked too). */
  role?: string | null
  banned?: boolean | null
  banExpires?: string | number | Date | null
  /** Better Auth's session id, for session-based kinds. */
  sessionId?: string
  /** The admin who started this impersonation session (admin plugin), if it is one. */
  impersonatedBy?: string | null
  /** The API key that authenticated the request, and what it may do in Payload. */
  apiKey?: { id: string; permissions: Record<string, string[]> | null }
  /** Headers for the response: refreshed session cookies. */
  responseHeaders?: Headers
}

/** This kind's credential is on the request but does not hold: nobody, and no other kind is tried. */
export const REFUSED = Symbol('refused')

/** A verified credential; null when the request carries none of this kind (the next kind is asked). */
export type Verdict = VerifiedCredential | null | typeof REFUSED

export interface CredentialKind {
  /** Shown on `req.user` as `betterAuth.via`. */
  name: string
  verify(request: CredentialRequest): Promise<Verdict>
}
