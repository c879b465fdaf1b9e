export { StorageUnavailableError } from '../shared/errors.ts'
export type { IORedisClient, NodeRedisClient, RedisClient } from '../shared/redisClient.ts'
export type { SqliteDatabase } from '../shared/sqliteDatabase.ts'
export { createMemoryStorage, type MemoryStorageOptions } from './memoryStorage.ts'
export { createRedisStorage, type RedisStorageOptions } from './redisStorage.ts'
export { createSqliteStorage, type SqliteStorageOptions } from './sqliteStorage.ts'
export { keyValueSyncQueue } from './syncQueue/keyValue.ts'
export type {
  ListableStorage,
  QueuedTask,
  QueueingStorage,
  SecondaryStorage,
  SyncQueueStore,
} from './types.ts'
