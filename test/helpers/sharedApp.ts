import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type BetterAuthOptions, betterAuth } from 'better-auth'
import { toNodeHandler } from 'better-auth/node'
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
  {
    users,
    authOptions,
    serve = false,
  }: {
    users: CollectionConfig
    authOptions: Options
    /** Serve Better Auth over HTTP too, where Payload's strategy reaches it (sliding sessions). */
    serve?: boolean
  },
) {
  const storage = createMemoryStorage()
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  const server = serve
    ? createServer((req, res) => {
        if (handler) return handler(req, res)
        res.statusCode = 503
        res.end()
      })
    : undefined
  if (server) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const betterAuthURL = server
    ? `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth`
    : undefined
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
        session: { storage, betterAuthSecret: TEST_BETTER_AUTH_SECRET, betterAuthURL },
      }),
    ],
  })
  const payload = await getPayload({ config, key })
  const auth = betterAuth({
    ...authOptions,
    database: payloadAdapter({ payload: () => payload }),
    secondaryStorage: storage,
  })
  handler = toNodeHandler(auth)
  return {
    payload,
    auth,
    storage,
    config,
    key,
    ...payloadApis({ config, key }),
    async close() {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
      await closePayload(payload)
      await database.drop()
    },
  }
}
