import type { BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthEndpoint } from 'better-auth/api'
import { getPayload } from 'payload'
import { API_KEY_VERIFICATION_PATH } from '../shared/apiKeyVerification.ts'
import { publishedConfig } from '../shared/publishedConfig.ts'
import { requireSecret, SYNC_DEV_SECRET } from '../shared/secrets.ts'
import type { StartupProbeHandle } from '../shared/startupProbe.ts'
import { assertSupportedVersions } from '../shared/versionCheck.ts'
import { authMethods } from './authMethods.ts'
import { createDurableQueue, type DurableQueue, type QueueTask } from './durableQueue.ts'
import { reconcileEndpoints } from './endpoints/reconcile.ts'
import { resetTwoFactorEndpoint } from './endpoints/resetTwoFactor.ts'
import { verifyApiKeyEndpoint } from './endpoints/verifyApiKey.ts'
import {
  isPayloadWriting,
  PAYLOAD_WRITE_SYNC_DELAY_MS,
  writeThroughEndpoints,
} from './endpoints/writeThrough.ts'
import { syncDatabaseHooks } from './hooks/databaseHooks.ts'
import { magicLinkAccountHook } from './hooks/magicLinkAccount.ts'
import type { PayloadBetterAuthPluginOptions } from './options.ts'
import { createPayloadWriter, type SyncedUser } from './payloadWriter.ts'
import { createFailureLog } from './reconcile.ts'
import { coordinateStart, startBetterAuthProbe, startPublishing } from './startup.ts'
import { type AdapterLike, createSyncTasks } from './syncTasks.ts'
import { startWorker } from './worker.ts'

export const PLUGIN_ID = 'reconcile-queue-plugin'

/**
 * The Better Auth half: mirrors every user and account change into Payload through a durable queue
 * in the shared storage, reconciles in full on Payload's start and every `reconcileEveryMs`, and
 * serves the reconcile, methods and warmup endpoints. This file only assembles: the sync's tasks
 * (syncTasks.ts), hooks (hooks/), endpoints (endpoints/), worker (worker.ts) and start-up
 * (startup.ts).
 */
export function payloadBetterAuthPlugin<User extends object = Record<string, unknown>>(
  options: PayloadBetterAuthPluginOptions<User>,
) {
  assertSupportedVersions('[better-auth] payloadBetterAuthPlugin')
  const { storage, eventBus } = options
  const usersSlug = options.usersSlug ?? 'users'
  const log = (message: string) => {
    if (options.enableLogging) console.log(message)
  }
  const warn = (message: string) => console.error(message)
  let queue: DurableQueue | undefined
  let methods: ReturnType<typeof authMethods> = []
  let probe: StartupProbeHandle | null = null

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
  const tasks = createSyncTasks({ writer, loadPayload, usersSlug, failureLog, log, warn })

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
  const running = () => {
    if (!queue)
      throw new APIError('SERVICE_UNAVAILABLE', {
        message: 'The sync is still starting; try again.',
      })
    return queue
  }

  return {
    id: PLUGIN_ID,
    // Read by `payload-better-auth doctor` (as the JWT plugin exposes its own options).
    options,
    schema: {
      user: {
        fields: {
          // From the User-Locale header at sign-up; never from the request body.
          locale: { type: 'string', required: false, input: false },
        },
      },
    },
    async init(ctx) {
      methods = authMethods(ctx.options)
      await startPublishing(storage, publishedConfig(ctx.options, options.apiKeyHeaders), warn)
      const started = createDurableQueue({
        storage,
        log: warn,
        deadLetterTtlMs: options.deadLetterTtlMs,
        run: tasks.runner(ctx.adapter as unknown as AdapterLike),
      })
      queue = started
      if (!('syncQueue' in storage)) {
        warn(
          '[reconcile] the storage has no `syncQueue`: the sync queue finds its tasks by listing keys (a scan of the whole store on Redis). Fine for small deployments; createRedisStorage, createSqliteStorage and createMemoryStorage have one.',
        )
      }
      // Tasks queued by a version before `syncQueue`, moved once per start (one key listing).
      void started
        .adoptLegacyTasks()
        .then((moved) => moved > 0 && log(`[reconcile] moved ${moved} queued tasks to syncQueue`))
        .catch((error: unknown) => warn(`[reconcile] could not move older tasks: ${String(error)}`))
      startWorker(started, {
        tickMs: options.tickMs,
        reconcileEveryMs: options.reconcileEveryMs,
        warn,
      })
      void coordinateStart({ storage, eventBus, queue: started, log, warn })
      probe = await startBetterAuthProbe(ctx, {
        storage,
        eventBus,
        syncSecret,
        usersSlug,
        collectionPrefix: options.collectionPrefix,
      })
      return {
        // Through the plugin alone, the storage reaches both the session code (options) and the
        // context; see the issue note on Better Auth's init merge.
        context: { secondaryStorage: storage },
        options: { secondaryStorage: storage, databaseHooks: syncDatabaseHooks(syncNow) },
      }
    },
    hooks: { after: [magicLinkAccountHook] },
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
      ...reconcileEndpoints({ token: options.token, running, state: tasks.state, failureLog }),
      methods: createAuthEndpoint('/methods', { method: 'GET' }, async (ctx) => ctx.json(methods)),
      warmup: createAuthEndpoint('/warmup', { method: 'GET' }, async (ctx) =>
        ctx.json({
          initialized: queue !== undefined,
          pluginId: PLUGIN_ID,
          authMethods: methods.map((m) => m.method),
          timestamp: new Date().toISOString(),
          // Payload looks this start up in its storage: another storage shows at once.
          probeStartedAt: await probe?.refresh().catch(() => undefined),
        }),
      ),
    },
  } satisfies BetterAuthPlugin
}
