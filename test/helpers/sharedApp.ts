import { randomUUID } from 'node:crypto'
import { type BetterAuthOptions, betterAuth } from 'better-auth'
import { buildConfig, type CollectionConfig, getPayload } from 'payload'
import { betterAuthCollections, payloadAdapter } from 'payload-better-auth/adapter'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { TEST_BETTER_AUTH_SECRET } from './betterAuth.ts'
import { type DatabaseKind, freshDatabase } from './databases.ts'
import { closePayload, payloadApis } from './payload.ts'

/**
 * The shared-database topology as an app runs it: a real Payload on a fresh database whose `users`
 * collection is Better Auth's user model (`betterAuthCollections`, with the session strategy), and
 * a real Better Auth on `payloadAdapter`, its sessions in a memory storage Payload reads.
 */
export async function startSharedApp<Options extends BetterAuthOptions>(
  kind: DatabaseKind,
  { users, authOptions }: { users: CollectionConfig; authOptions: Options },
) {
  const storage = createMemoryStorage()
  const database = await freshDatabase(kind)
  const key = randomUUID()
  const config = buildConfig({
    secret: 'payload-shared-database-secret-0123456789',
    db: database.adapter,
    typescript: { autoGenerate: false },
    telemetry: false,
    collections: [users],
    plugins: [
      betterAuthCollections({
        betterAuthOptions: authOptions,
        session: { storage, betterAuthSecret: TEST_BETTER_AUTH_SECRET },
      }),
    ],
  })
  const payload = await getPayload({ config, key })
  const auth = betterAuth({
    ...authOptions,
    database: payloadAdapter({ payload: () => payload }),
    secondaryStorage: storage,
  })
  return {
    payload,
    auth,
    storage,
    config,
    key,
    ...payloadApis({ config, key }),
    async close() {
      await closePayload(payload)
      await database.drop()
    },
  }
}
