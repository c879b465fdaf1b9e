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
  /** Prefix of the mirror collections' slugs. Default `__better_auth`. */
  collectionPrefix?: string
  /** The Payload users collection. Default `users`. */
  usersSlug?: string
  /** How often the queue is worked through (ms). Default 1 000. */
  tickMs?: number
  /** How often a full reconcile runs (ms). Default 30 minutes. */
  reconcileEveryMs?: number
  enableLogging?: boolean
  /** Signs sync writes. Default `process.env.BA_TO_PAYLOAD_SECRET`. */
  syncSecret?: string
  /** How to reach Payload. Default `getPayload({ config: payloadConfig })`. */
  getPayload?: () => Promise<Payload>
}
