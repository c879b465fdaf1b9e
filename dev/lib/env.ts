import { mkdirSync } from 'node:fs'
import path from 'node:path'

// The demo's settings, read from the environment at run time. `process.env` is read through a
// variable so Next.js does not freeze NEXT_PUBLIC_* values into the build: one build serves any URL.
const env = process.env

const port = env.PORT || '3000'

/** Where browsers reach the app (no trailing slash). */
export const serverURL = (env.NEXT_PUBLIC_SERVER_URL || `http://localhost:${port}`).replace(
  /\/$/,
  '',
)
/**
 * Set: Better Auth runs as a service of its own (auth-service/server.ts, `npm run demo:auth-service`)
 * at this URL; the app forwards `/api/auth/*` to it and runs no Better Auth itself.
 */
export const authServiceURL = env.BETTER_AUTH_SERVICE_URL?.replace(/\/$/, '') || undefined
/** Where the server reaches Better Auth (Payload → Better Auth): itself, or the service. */
export const internalURL = (
  env.INTERNAL_SERVER_URL ||
  authServiceURL ||
  `http://localhost:${port}`
).replace(/\/$/, '')

/**
 * The embedded databases (SQLite files) live here; created on first use. Production keeps its own:
 * Payload will not run migrations on a database its dev mode pushed the schema to (it stops to ask).
 */
export const dataDir = path.resolve(
  /*turbopackIgnore: true*/ env.DEMO_DATA_DIR ||
    (process.env.NODE_ENV === 'production' ? '.data/production' : '.data'),
)
mkdirSync(dataDir, { recursive: true })

/** `file:...` (default) for SQLite, `postgres://...` for PostgreSQL. */
export const databaseURI = env.DATABASE_URI || `file:${path.join(dataDir, 'payload.db')}`
export const betterAuthDbPath = env.BETTER_AUTH_DB_PATH || path.join(dataDir, 'better-auth.db')
/** Set: sessions, sync queue and start-up events go through Redis instead of SQLite files. */
export const redisURL = env.REDIS_URL || undefined

export const payloadSecret = required('PAYLOAD_SECRET')
export const betterAuthSecret = required('BETTER_AUTH_SECRET')
export const reconcileToken = env.RECONCILE_TOKEN || undefined

/**
 * `/mailbox` shows every magic link and reset link the app sends: anyone who can open it can sign
 * in as anyone. Served outside production only, unless DEMO_MAILBOX=1 says this is a demo anyway.
 */
export const mailboxEnabled = env.NODE_ENV !== 'production' || env.DEMO_MAILBOX === '1'

function required(name: string): string {
  const value = env[name]
  if (!value) {
    throw new Error(
      `${name} is not set. Start the demo with \`npm run dev\` (it writes dev/.env with fresh secrets) or set it yourself.`,
    )
  }
  return value
}
