import { DatabaseSync } from 'node:sqlite'
import { type BetterAuthOptions, type BetterAuthPlugin, betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { admin, magicLink } from 'better-auth/plugins'
import type { Payload, SanitizedConfig } from 'payload'
import type { EventBus } from '../../src/eventBus/types.ts'
import { type PayloadBetterAuthPluginOptions, payloadBetterAuthPlugin } from '../../src/index.ts'
import type { SecondaryStorage } from '../../src/storage/types.ts'
import { TEST_BETTER_AUTH_SECRET, TEST_SYNC_SECRET } from './betterAuth.ts'

export const RECONCILE_TOKEN = 'test-reconcile-token-0123456789'

/**
 * A real Better Auth with the sync plugin writing into `payload()`. The storage is passed only
 * through the plugin, as the manual's example does.
 */
export async function createSyncedAuth(args: {
  payload: () => Promise<Payload>
  config: SanitizedConfig
  storage: SecondaryStorage
  eventBus: EventBus
  database?: DatabaseSync
  token?: string | undefined
  plugins?: BetterAuthPlugin[]
  tickMs?: number
  usersSlug?: string
  collectionPrefix?: string
  mapUserToPayload?: PayloadBetterAuthPluginOptions['mapUserToPayload']
  mapPayloadToUser?: PayloadBetterAuthPluginOptions['mapPayloadToUser']
  /** The api-key plugin's `apiKeyHeaders`, repeated for the sync plugin to publish. */
  apiKeyHeaders?: PayloadBetterAuthPluginOptions['apiKeyHeaders']
  /** More of Better Auth's options (e.g. `user.changeEmail`). */
  options?: Partial<BetterAuthOptions>
  /** Better Auth's admin plugin (default on); off, `GET /methods` is the manual's example. */
  adminPlugin?: boolean
}) {
  const { payload, config, storage, eventBus, plugins = [], tickMs = 50 } = args
  const database = args.database ?? new DatabaseSync(':memory:')
  // An explicit `token: undefined` means "not configured", unlike leaving it out.
  const token = 'token' in args ? args.token : RECONCILE_TOKEN
  const magicLinks: string[] = []
  const auth = betterAuth({
    baseURL: 'http://localhost:3000',
    secret: TEST_BETTER_AUTH_SECRET,
    database,
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
    ...args.options,
    plugins: [
      ...(args.adminPlugin === false ? [] : [admin()]),
      magicLink({ sendMagicLink: async ({ url }) => void magicLinks.push(url) }),
      ...plugins,
      payloadBetterAuthPlugin({
        payloadConfig: config,
        getPayload: payload,
        token,
        storage,
        eventBus,
        syncSecret: TEST_SYNC_SECRET,
        tickMs,
        usersSlug: args.usersSlug,
        collectionPrefix: args.collectionPrefix,
        enableLogging: true,
        mapUserToPayload:
          args.mapUserToPayload ??
          ((user) => ({ email: user.email, name: String(user.name ?? '') })),
        mapPayloadToUser: args.mapPayloadToUser,
        apiKeyHeaders: args.apiKeyHeaders,
      }),
    ],
  })
  await (await getMigrations(auth.options)).runMigrations()
  await auth.$context // runs the plugins' init
  return { auth, magicLinks, database }
}

export const cookieOf = (headers: Headers) =>
  (headers.get('set-cookie') ?? '').split(';')[0] as string

/** Runs one full reconcile through the endpoints and waits for it; the status that follows. */
export async function runFullReconcile(auth: { handler(request: Request): Promise<Response> }) {
  const headers = { 'x-reconcile-token': RECONCILE_TOKEN }
  const call = (path: string, method = 'GET') =>
    auth.handler(new Request(`http://localhost:3000/api/auth${path}`, { method, headers }))
  const status = async () =>
    (await (await call('/reconcile/status')).json()) as {
      lastSeedAt: string | null
      reconciling: boolean
      failures: unknown[]
    }
  const before = (await status()).lastSeedAt
  const response = await call('/reconcile/run', 'POST')
  if (response.status !== 200) throw new Error(`/reconcile/run answered ${response.status}`)
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    const now = await status()
    if (now.lastSeedAt !== before && !now.reconciling) return now
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the full reconcile did not finish in 10 minutes')
}
