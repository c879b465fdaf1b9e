// The Better Auth and Payload plugins are exported from here as they land; the storage and event
// bus building blocks live in `payload-better-auth/storage` and `payload-better-auth/eventBus`.
export type { EventBus, TimestampHandler } from './eventBus/types.ts'
export { StorageUnavailableError } from './shared/errors.ts'
export type { SecondaryStorage } from './storage/types.ts'
