import type { BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthEndpoint, createAuthMiddleware } from 'better-auth/api'
import { getPayload } from 'payload'
import * as z from 'zod'
import { API_KEY_VERIFICATION_PATH } from '../shared/apiKeyVerification.ts'
import { RECONCILE_LOCK_TTL_SECONDS, reconcileLockKey, timestampKey } from '../shared/keys.ts'
import { logOncePer, OUTAGE_LOG_INTERVAL_MS } from '../shared/outageLog.ts'
import { type PublishedConfig, publishedConfig } from '../shared/publishedConfig.ts'
import { requireSecret, SYNC_DEV_SECRET } from '../shared/secrets.ts'
import { authMethods } from './authMethods.ts'
import { createDurableQueue, type DurableQueue, type QueueTask } from './durableQueue.ts'
import { resetTwoFactorEndpoint } from './endpoints/resetTwoFactor.ts'
import { verifyApiKeyEndpoint } from './endpoints/verifyApiKey.ts'
import {
  isPayloadWriting,
  PAYLOAD_WRITE_SYNC_DELAY_MS,
  writeThroughEndpoints,
} from './endpoints/writeThrough.ts'
import type { PayloadBetterAuthPluginOptions } from './options.ts'
import { createPayloadWriter, type SyncedAccount, type SyncedUser } from './payloadWriter.ts'
import { publishConfig } from './publishConfig.ts'
import { type BetterAuthReader, createFailureLog, fullReconcile } from './reconcile.ts'
import { checkReconcileToken } from './reconcileToken.ts'

export const PLUGIN_ID = 'reconcile-queue-plugin'
const PUBLISH_CONFIG_EVERY_MS = 60_000

/** What the plugin needs from Better Auth's context (its database adapter). */
interface AdapterLike extends BetterAuthReader {
  findOne<T>(args: {
    model: string
    where: Array<{ field: string; value: unknown }>
  }): Promise<T | null>
}

/**
 * The Better Auth half: mirrors every user and account change into Payload through a durable queue
 * in the shared storage, reconciles in full on Payload's start and every `reconcileEveryMs`, and
 * serves the reconcile, methods and warmup endpoints.
 */
export function payloadBetterAuthPlugin<User extends object = Record<string, unknown>>(
  options: PayloadBetterAuthPluginOptions<User>,
) {
  const { storage, eventBus } = options
  const usersSlug = options.usersSlug ?? 'users'
  const log = (message: string) => {
    if (options.enableLogging) console.log(message)
  }
  const warn = (message: string) => console.error(message)
  let queue: DurableQueue | undefined
  let lastSeedAt: string | null = null
  let reconciling = false
  let methods: ReturnType<typeof authMethods> = []

  // No token turns the reconcile endpoints off; a weak one is refused in production like any secret.
  if (options.token) {
    requireSecret('RECONCILE_TOKEN', options.token, {
      owner: '[better-auth] payloadBetterAuthPlugin',
    })
  }
  const loadPayload = options.getPayload ?? (() => getPayload({ config: options.payloadConfig }))
  // Signs the sync's writes, and checks that an API-key question comes from the Payload server.
  const syncSecret = requireSecret('BA_TO_PAYLOAD_SECRET', options.syncSecret, {
    owner: '[better-auth] payloadBetterAuthPlugin',
    devFallback: SYNC_DEV_SECRET,
  })
  const writer = createPayloadWriter({
    payload: loadPayload,
    syncSecret,
    usersSlug,
    collectionPrefix: options.collectionPrefix,
    mapUserToPayload: (user) => options.mapUserToPayload(user) as object,
    linkExistingUsers: options.linkExistingUsers,
  })
  // Users the sync could not write, listed by /reconcile/status on every instance.
  const failureLog = createFailureLog(storage)

  /** Queues the task and tries it at once: the caller (a sign-up, say) waits for Payload. */
  const syncNow = async (task: QueueTask) => {
    try {
      // A write-through from Payload: Payload stores the result itself, so the sync only follows.
      await queue?.enqueue(
        task,
        isPayloadWriting() ? { delayMs: PAYLOAD_WRITE_SYNC_DELAY_MS } : { runNow: true },
      )
    } catch (error) {
      warn(
        `[reconcile] could not queue ${task.op}: ${String(error)}; the next full reconcile will catch up`,
      )
    }
  }

  /**
   * An update hook's row → its user's sync. Better Auth's `updateMany` (a password change updates
   * the credential account that way) runs the same hook with a count instead of a row: nothing the
   * mirror shows has changed then, so there is nothing to sync.
   */
  const syncUserOf = async (row: unknown, key: 'id' | 'userId') => {
    const userId =
      typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[key] : null
    if (typeof userId === 'string' && userId) await syncNow({ op: 'ensure', userId })
  }

  const requireToken = (headers: Headers | undefined) => {
    const verdict = checkReconcileToken(options.token, headers?.get('x-reconcile-token') ?? null)
    if (verdict === 'disabled') {
      throw new APIError('FORBIDDEN', {
        message: 'The reconcile endpoints are disabled: set a token (RECONCILE_TOKEN) to use them.',
      })
    }
    if (verdict === 'denied') {
      throw new APIError('UNAUTHORIZED', { message: 'Missing or wrong x-reconcile-token header.' })
    }
  }
  const running = () => {
    if (!queue)
      throw new APIError('SERVICE_UNAVAILABLE', {
        message: 'The sync is still starting; try again.',
      })
    return queue
  }

  return {
    id: PLUGIN_ID,
    schema: {
      user: {
        fields: {
          // From the User-Locale header at sign-up; never from the request body.
          locale: { type: 'string', required: false, input: false },
        },
      },
    },
    async init(ctx) {
      const adapter = ctx.adapter as unknown as AdapterLike
      methods = authMethods(ctx.options)
      await startPublishing(publishedConfig(ctx.options, options.apiKeyHeaders))
      queue = createDurableQueue({
        storage,
        log: (message) => warn(message),
        run: async (task) => {
          if (task.op === 'reconcile') {
            reconciling = true
            const startedAt = Date.now()
            const result = await fullReconcile({
              reader: adapter,
              payload: await loadPayload(),
              writer,
              usersSlug,
            }).finally(() => {
              reconciling = false
            })
            lastSeedAt = new Date().toISOString()
            await failureLog.replace(result.failures, startedAt)
            log(
              `[reconcile] full reconcile: ${result.ensured} users ensured, ${result.removed} removed, ${result.failed} failed (listed in /reconcile/status)`,
            )
            return
          }
          // A single user's sync lists its failure (the queue retries it) and clears it once done;
          // the list is a report: failing to update it changes nothing about the task.
          const report = (update: Promise<void>) =>
            update.catch((e: unknown) => warn(`[reconcile] failure list: ${String(e)}`))
          try {
            await syncUser(adapter, task)
          } catch (error) {
            await report(failureLog.record(task.userId, error))
            throw error
          }
          await report(failureLog.clear(task.userId))
        },
      })
      startWorker(queue)
      return {
        // Through the plugin alone, the storage reaches both the session code (options) and the
        // context; see the issue note on Better Auth's init merge.
        context: { secondaryStorage: storage },
        options: {
          secondaryStorage: storage,
          databaseHooks: {
            user: {
              create: {
                before: async (user, endpoint) => {
                  const locale = endpoint?.headers?.get('user-locale')
                  return locale
                    ? { data: { ...user, locale: locale.slice(0, 35) } }
                    : { data: user }
                },
                after: async (user) => syncNow({ op: 'ensure', userId: user.id }),
              },
              update: { after: async (user) => syncUserOf(user, 'id') },
              delete: { after: async (user) => syncNow({ op: 'delete', userId: user.id }) },
            },
            account: {
              create: {
                after: async (account) => syncNow({ op: 'ensure', userId: account.userId }),
              },
              update: { after: async (account) => syncUserOf(account, 'userId') },
              delete: {
                after: async (account) => syncNow({ op: 'ensure', userId: account.userId }),
              },
            },
          },
        },
      }
    },
    hooks: {
      after: [
        {
          // Magic-link sign-in creates no account row; record one so the method is mirrored.
          matcher: (context) => context.path === '/magic-link/verify',
          handler: createAuthMiddleware(async (context) => {
            const ctx = context as unknown as {
              context: {
                newSession?: { user: { id: string } } | null
                internalAdapter: {
                  findAccounts(userId: string): Promise<Array<{ providerId: string }>>
                  createAccount(data: {
                    userId: string
                    providerId: string
                    accountId: string
                  }): Promise<unknown>
                }
              }
            }
            const userId = ctx.context.newSession?.user.id
            if (!userId) return
            const accounts = await ctx.context.internalAdapter.findAccounts(userId)
            if (accounts.some((account) => account.providerId === 'magic-link')) return
            await ctx.context.internalAdapter.createAccount({
              userId,
              providerId: 'magic-link',
              accountId: userId,
            })
          }),
        },
      ],
    },
    // Every Payload request with an API key asks once, all from the Payload server's address: Better
    // Auth's per-IP limit (100 per 10 s) must not stand in for the key's own limits.
    rateLimit: [
      {
        pathMatcher: (path: string) => path === API_KEY_VERIFICATION_PATH,
        window: 10,
        max: 100_000,
      },
    ],
    endpoints: {
      ...writeThroughEndpoints({
        mapUserToPayload: (user) => options.mapUserToPayload(user) as Record<string, unknown>,
        mapPayloadToUser: options.mapPayloadToUser as
          | ((data: Record<string, unknown>, user: SyncedUser) => Record<string, unknown>)
          | undefined,
        invitationCallbackURL: options.invitationCallbackURL,
      }),
      payloadVerifyApiKey: verifyApiKeyEndpoint(syncSecret),
      payloadResetTwoFactor: resetTwoFactorEndpoint(),
      reconcileStatus: createAuthEndpoint('/reconcile/status', { method: 'GET' }, async (ctx) => {
        requireToken(ctx.headers)
        return ctx.json({
          ...(await running().status()),
          reconciling,
          lastSeedAt,
          failures: await failureLog.list(),
        })
      }),
      // No body to read: the manual's `curl -X POST` sends none, and Next.js hands Better Auth an
      // empty body stream without a Content-Type, which the body parser would refuse (415).
      reconcileRun: createAuthEndpoint(
        '/reconcile/run',
        { method: 'POST', disableBody: true },
        async (ctx) => {
          requireToken(ctx.headers)
          await running().enqueue({ op: 'reconcile' })
          void running().drain()
          return ctx.json({ queued: true })
        },
      ),
      reconcileEnsure: createAuthEndpoint(
        '/reconcile/ensure',
        {
          method: 'POST',
          body: z.object({ user: z.object({ id: z.string().min(1) }).passthrough() }),
        },
        async (ctx) => {
          requireToken(ctx.headers)
          const user = await (ctx.context.adapter as unknown as AdapterLike).findOne({
            model: 'user',
            where: [{ field: 'id', value: ctx.body.user.id }],
          })
          if (!user)
            throw new APIError('NOT_FOUND', {
              message: `No Better Auth user has id ${ctx.body.user.id}.`,
            })
          const applied = await running().enqueue(
            { op: 'ensure', userId: ctx.body.user.id },
            { runNow: true },
          )
          return ctx.json({ applied })
        },
      ),
      reconcileDelete: createAuthEndpoint(
        '/reconcile/delete',
        { method: 'POST', body: z.object({ baId: z.string().min(1) }) },
        async (ctx) => {
          requireToken(ctx.headers)
          const applied = await running().enqueue(
            { op: 'delete', userId: ctx.body.baId },
            { runNow: true },
          )
          return ctx.json({ applied })
        },
      ),
      methods: createAuthEndpoint('/methods', { method: 'GET' }, async (ctx) => ctx.json(methods)),
      warmup: createAuthEndpoint('/warmup', { method: 'GET' }, async (ctx) =>
        ctx.json({
          initialized: queue !== undefined,
          pluginId: PLUGIN_ID,
          authMethods: methods.map((m) => m.method),
          timestamp: new Date().toISOString(),
        }),
      ),
    },
  } satisfies BetterAuthPlugin

  /** Brings one user (or its removal) into Payload, from Better Auth's current state. */
  async function syncUser(adapter: AdapterLike, task: Exclude<QueueTask, { op: 'reconcile' }>) {
    if (task.op === 'delete') {
      await writer.remove(task.userId)
      return
    }
    const user = await adapter.findOne<SyncedUser>({
      model: 'user',
      where: [{ field: 'id', value: task.userId }],
    })
    if (!user) {
      await writer.remove(task.userId)
      return
    }
    const accounts = await adapter.findMany<SyncedAccount>({
      model: 'account',
      where: [{ field: 'userId', value: task.userId }],
      limit: 1_000,
    })
    await writer.ensure(user, accounts)
  }

  /**
   * Publishes the session rules Payload applies too, now and every minute (a storage that restarts
   * empty has them back within a minute; until then Payload reads every session from the storage).
   */
  function startPublishing(config: PublishedConfig): Promise<void> {
    const logFailure = logOncePer(OUTAGE_LOG_INTERVAL_MS, warn)
    const publish = () =>
      publishConfig(storage, config).catch((error: unknown) =>
        logFailure(
          `[better-auth] could not publish the session rules to the storage (retrying every minute): ${String(error)}`,
        ),
      )
    setInterval(publish, PUBLISH_CONFIG_EVERY_MS).unref()
    return publish()
  }

  function startWorker(q: DurableQueue) {
    let draining = false
    const logTickFailure = logOncePer(OUTAGE_LOG_INTERVAL_MS, warn)
    const tick = setInterval(async () => {
      if (draining) return
      draining = true
      try {
        await q.drain()
      } catch (error) {
        logTickFailure(`[reconcile] queue tick failed (retrying every tick): ${String(error)}`)
      } finally {
        draining = false
      }
    }, options.tickMs ?? 1_000)
    tick.unref()
    const periodic = setInterval(
      () =>
        void q.enqueue({ op: 'reconcile' }).catch((e: unknown) => warn(`[reconcile] ${String(e)}`)),
      options.reconcileEveryMs ?? 30 * 60_000,
    )
    periodic.unref()
    void coordinate(q)
  }

  /** The start-up protocol: reconcile once per Payload start, whichever instance gets there first. */
  async function coordinate(q: DurableQueue) {
    const claim = async (payloadStartedAt: number) => {
      if (
        (await storage.increment(
          reconcileLockKey(payloadStartedAt),
          RECONCILE_LOCK_TTL_SECONDS,
        )) !== 1
      )
        return
      log(`[better-auth] Payload started at ${payloadStartedAt}: queueing a full reconcile`)
      await q.enqueue({ op: 'reconcile' })
    }
    try {
      eventBus.subscribeToTimestamp('payload', (ts) => {
        claim(ts).catch((error: unknown) =>
          warn(`[better-auth] reconcile claim failed: ${String(error)}`),
        )
      })
      const payloadTs = Number(await storage.get(timestampKey('payload'))) || 0
      const betterAuthTs = Number(await storage.get(timestampKey('better-auth'))) || 0
      if (payloadTs > betterAuthTs) {
        await storage.set(timestampKey('better-auth'), String(Date.now()))
        await claim(payloadTs)
      }
    } catch (error) {
      warn(`[better-auth] start-up coordination failed: ${String(error)}`)
    }
  }
}
