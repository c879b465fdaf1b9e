// The Payload the benchmarks run against: SQLite in a file, the plugin on the given storage.
import { join } from 'node:path'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import { buildConfig, type CollectionConfig, getPayload } from 'payload'
import type { EventBus } from '../src/eventBus/index.ts'
import { betterAuthPayloadPlugin } from '../src/index.ts'
import type { SecondaryStorage } from '../src/storage/index.ts'
import { TEST_BETTER_AUTH_SECRET, TEST_SYNC_SECRET } from '../test/helpers/betterAuth.ts'

export async function benchPayload(options: {
  name: string
  dir: string
  storage: SecondaryStorage
  eventBus: EventBus
  collections: CollectionConfig[]
}) {
  // A new file per instance: Payload must push the schema even when it matches the last one.
  process.env.PAYLOAD_FORCE_DRIZZLE_PUSH = 'true'
  const config = buildConfig({
    secret: 'bench-payload-secret-0123456789abcdef',
    db: sqliteAdapter({ client: { url: `file:${join(options.dir, `${options.name}.db`)}` } }),
    typescript: { autoGenerate: false },
    telemetry: false,
    logger: { options: { level: 'warn' } },
    collections: options.collections,
    plugins: [
      betterAuthPayloadPlugin({
        betterAuthClientOptions: {
          externalBaseURL: 'http://localhost:3000',
          internalBaseURL: 'http://127.0.0.1:9',
        },
        storage: options.storage,
        eventBus: options.eventBus,
        betterAuthSecret: TEST_BETTER_AUTH_SECRET,
        syncSecret: TEST_SYNC_SECRET,
      }),
    ],
  })
  return {
    config: await config,
    payload: await getPayload({ config, key: `bench-${options.name}` }),
  }
}
