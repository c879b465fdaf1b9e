import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig } from 'payload'
import { betterAuthPayloadPlugin } from 'payload-better-auth'
import { BENCH_LOGIN, benchComparisons, PayloadLogins } from './collections/PayloadLogins.ts'
import { Posts } from './collections/Posts.ts'
import { Users } from './collections/Users.ts'
import { databaseAdapter } from './lib/database.ts'
import { internalURL, payloadSecret, serverURL } from './lib/env.ts'
import { eventBus } from './lib/eventBus.ts'
import { storage } from './lib/syncAdapter.ts'

const dirname = path.dirname(fileURLToPath(import.meta.url))

export default buildConfig({
  secret: payloadSecret,
  admin: {
    user: Users.slug,
    avatar: 'default',
    importMap: { baseDir: dirname },
  },
  collections: [Users, Posts, ...(benchComparisons ? [PayloadLogins] : [])],
  db: databaseAdapter(),
  telemetry: false,
  // declare: false — the library's source is type-checked with this app (tsconfig paths), and it is
  // written against Payload's generic types, as a published plugin must be.
  typescript: {
    autoGenerate: false,
    declare: false,
    outputFile: path.resolve(dirname, 'payload-types.ts'),
  },
  onInit: async (payload) => {
    // Payload's PostgreSQL pool and its connections have no 'error' listener: a connection the
    // server drops (a restart, a failover) would be an uncaught exception that ends the process,
    // idle or checked out. Log it instead; the pool opens new connections when the database is back.
    type Emitter = { on(event: string, listener: (value: never) => void): void }
    const { pool } = payload.db as { pool?: Emitter }
    const dropped = (error: Error) =>
      payload.logger.warn(`PostgreSQL dropped a connection: ${error.message}`)
    pool?.on('error', dropped)
    pool?.on('connect', (client: Emitter) => client.on('error', dropped))
    const password = process.env.DEMO_BENCH_PASSWORD
    if (benchComparisons && password) {
      await payload
        .create({
          collection: PayloadLogins.slug as 'users',
          data: { ...BENCH_LOGIN, password } as never,
          overrideAccess: true,
        })
        .catch(() => {}) // made by another instance already
    }
    // A first post, so the posts page has something to hide from signed-out visitors.
    const { totalDocs } = await payload.count({ collection: 'posts' })
    if (totalDocs === 0) {
      await payload.create({
        collection: 'posts',
        data: { title: 'Welcome', body: 'Only signed-in readers can see this post.' },
      })
    }
  },
  plugins: [
    betterAuthPayloadPlugin({
      betterAuthClientOptions: { externalBaseURL: serverURL, internalBaseURL: internalURL },
      storage,
      eventBus,
      debug: process.env.NODE_ENV === 'development',
    }),
  ],
})
