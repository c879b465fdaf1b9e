import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import Redis from 'ioredis'
import {
  createRedisEventBus,
  createSqlitePollingEventBus,
  type EventBus,
} from 'payload-better-auth/eventBus'
import {
  createRedisStorage,
  createSqliteStorage,
  type SecondaryStorage,
} from 'payload-better-auth/storage'
import { dataDir, redisURL } from './env.ts'

export interface DemoServices {
  storage: SecondaryStorage
  eventBus: EventBus
}

function createServices(): DemoServices {
  if (redisURL) {
    const url = redisURL
    // Pub/Sub needs a connection of its own. lazyConnect: a build imports this without serving.
    const connect = () => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 })
    const redis = connect()
    return {
      storage: createRedisStorage({ redis }),
      eventBus: createRedisEventBus({ publisher: redis, subscriber: connect() }),
    }
  }
  return {
    storage: createSqliteStorage({ db: new DatabaseSync(path.join(dataDir, 'sync-state.db')) }),
    eventBus: createSqlitePollingEventBus({
      db: new DatabaseSync(path.join(dataDir, 'event-bus.db')),
    }),
  }
}

// One set per process: Next.js may evaluate this module more than once (route bundles, reloads).
const globalServices = globalThis as typeof globalThis & { __demoServices?: DemoServices }
if (!globalServices.__demoServices) globalServices.__demoServices = createServices()
export const services: DemoServices = globalServices.__demoServices
