import type { Payload, SanitizedConfig } from 'payload'
import type { EventBus } from '../eventBus/types.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import type { SyncedUser } from './payloadWriter.ts'

export interface PayloadBetterAuthPluginOptions<User extends object = Record<string, unknown>> {
  /** Your Payload config (the default export of payload.config.ts). */
  payloadConfig: Promise<SanitizedConfig> | SanitizedConfig
  /** Guards the /reconcile endpoints (header `x-reconcile-token`); empty disables them. */
  token: string | undefined
  /** The storage the Payload plugin reads sessions from; also becomes Better Auth's `secondaryStorage`. */
  storage: SecondaryStorage
  eventBus: EventBus
  /** Better Auth user → the data of its Payload user; re-applied on every update. */
  mapUserToPayload: (baUser: SyncedUser) => Partial<User>
  /**
   * The reverse of `mapUserToPayload`, for edits made in Payload (admin, REST, GraphQL): the Payload
   * values of the fields Better Auth owns → Better Auth user fields, which Better Auth then sets
   * with the editor's session (its own authorization decides). A field `mapUserToPayload` writes
   * that this does not carry back cannot be edited in Payload (a 400 says where to change it).
   * Default: `email` only.
   */
  mapPayloadToUser?: (data: Partial<User>, baUser: SyncedUser) => Record<string, unknown>
  /** Where an invitation (a user created in Payload without a password) leads. Default `/admin`. */
  invitationCallbackURL?: string
  /** Prefix of the mirror collections' slugs. Default `__better_auth`. */
  collectionPrefix?: string
  /** The Payload users collection. Default `users`. */
  usersSlug?: string
  /** How often the queue is worked through (ms). Default 1 000. */
  tickMs?: number
  /** How often a full reconcile runs (ms). Default 30 minutes. */
  reconcileEveryMs?: number
  /**
   * How long a task that failed every attempt is kept as a dead letter (`GET /reconcile/dead-letters`,
   * `POST /reconcile/retry`) (ms). Default 7 days.
   */
  deadLetterTtlMs?: number
  enableLogging?: boolean
  /** Signs sync writes. Default `process.env.BA_TO_PAYLOAD_SECRET`. */
  syncSecret?: string
  /** How to reach Payload. Default `getPayload({ config: payloadConfig })`. */
  getPayload?: () => Promise<Payload>
  /**
   * Adopting the plugin on a site that already has Payload users: a Payload user with no Better
   * Auth identity whose email matches a Better Auth user's *verified* email is linked to that user
   * (and updated through `mapUserToPayload`) instead of refused as a duplicate. An unverified email
   * is never linked: anyone can sign up with a staff member's address; that user's sync fails,
   * listed in `/reconcile/status`, until the email is verified. Default true.
   */
  linkExistingUsers?: boolean
  /**
   * The API-key plugin's `apiKeyHeaders`, when you changed them: Payload reads keys from the same
   * headers (`authorization` means `Authorization: Bearer <key>`). Default `x-api-key`.
   */
  apiKeyHeaders?: string | string[]
}
