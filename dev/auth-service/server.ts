// Better Auth as a service of its own, next to the Payload app (the manual's architecture): a
// node:http server with the demo's Better Auth and the sync plugin, which writes into Payload
// through the Local API (this process opens Payload's database too). Both share the storage and
// the event bus: Redis (REDIS_URL) across hosts, or the SQLite files in DEMO_DATA_DIR on one host.
// Run it with the app's environment plus BETTER_AUTH_SERVICE_PORT (default 3001), and start the
// app with BETTER_AUTH_SERVICE_URL=http://127.0.0.1:3001: `npm run demo:auth-service`.
import { createServer } from 'node:http'
import { toNodeHandler } from 'better-auth/node'
import { createMigratedAuth } from '../lib/createAuth.ts'
import config from '../payload.config.ts'

const port = Number(process.env.BETTER_AUTH_SERVICE_PORT || 3001)
const host = process.env.BETTER_AUTH_SERVICE_HOST || '127.0.0.1'

const auth = await createMigratedAuth(config, { inNext: false })
const server = createServer(toNodeHandler(auth))
server.listen(port, host, () => {
  console.log(`[auth-service] Better Auth listening on http://${host}:${port}/api/auth`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
