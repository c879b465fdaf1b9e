export type { PayloadBetterAuthPluginOptions } from './better-auth/options.ts'
export {
  isMigratedHash,
  PAYLOAD_PASSWORDS_PLUGIN_ID,
  payloadPasswords,
} from './better-auth/payloadPasswords.ts'
export { PLUGIN_ID, payloadBetterAuthPlugin } from './better-auth/plugin.ts'
export type { ClosableEventBus, EventBus, TimestampHandler } from './eventBus/types.ts'
export {
  type MigrateOptions,
  type MigrationReport,
  migratePayloadUsers,
  type Topology,
  type UserOutcome,
} from './migration/migratePayloadUsers.ts'
export { STRATEGY_NAME } from './payload/credentials/index.ts'
export type {
  BetterAuthClientOptions,
  BetterAuthPayloadPluginOptions,
} from './payload/options.ts'
export { betterAuthPayloadPlugin } from './payload/plugin.ts'
export {
  adminRoleAccess,
  BETTER_AUTH_USER,
  type BetterAuthIdentity,
  betterAuthApiKey,
  betterAuthIdentity,
  betterAuthRoles,
  hasAdminRole,
  impersonatedBy,
} from './payload/usersAccess.ts'
export { PayloadBetterAuthError, StorageUnavailableError } from './shared/errors.ts'
export {
  checkSyncSignature,
  SYNC_CONTEXT_KEY,
  type SyncOperation,
  type SyncSignature,
  signSyncOperation,
} from './shared/syncSignature.ts'
export type { SecondaryStorage } from './storage/types.ts'
