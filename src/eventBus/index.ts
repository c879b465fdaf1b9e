export { StorageUnavailableError } from '../shared/errors.ts'
export type {
  IORedisSubscriber,
  NodeRedisSubscriber,
  RedisClient,
  RedisSubscriber,
} from '../shared/redisClient.ts'
export type { SqliteDatabase } from '../shared/sqliteDatabase.ts'
export { createMemoryEventBus } from './memoryEventBus.ts'
export { createRedisEventBus, type RedisEventBusOptions } from './redisEventBus.ts'
export {
  createSqlitePollingEventBus,
  type SqlitePollingEventBusOptions,
} from './sqlitePollingEventBus.ts'
export type { ClosableEventBus, EventBus, TimestampHandler } from './types.ts'
