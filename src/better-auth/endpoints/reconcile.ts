import { APIError, createAuthEndpoint } from 'better-auth/api'
import * as z from 'zod'
import type { DurableQueue } from '../durableQueue.ts'
import type { createFailureLog } from '../reconcile.ts'
import { checkReconcileToken } from '../reconcileToken.ts'
import type { AdapterLike, ReconcileState } from '../syncTasks.ts'

// The operator's endpoints, all behind the `x-reconcile-token` header: the queue's status and
// failures, a full reconcile on demand, one user's sync (or removal) at once, and the dead letters
// (tasks that failed every attempt), listed and queued again.

export function reconcileEndpoints({
  token,
  running,
  state,
  failureLog,
}: {
  token: string | undefined
  /** The queue, or a 503 while the plugin is still starting. */
  running(): DurableQueue
  state: ReconcileState
  failureLog: ReturnType<typeof createFailureLog>
}) {
  const requireToken = (headers: Headers | undefined) => {
    const verdict = checkReconcileToken(token, headers?.get('x-reconcile-token') ?? null)
    if (verdict === 'disabled') {
      throw new APIError('FORBIDDEN', {
        message: 'The reconcile endpoints are disabled: set a token (RECONCILE_TOKEN) to use them.',
      })
    }
    if (verdict === 'denied') {
      throw new APIError('UNAUTHORIZED', { message: 'Missing or wrong x-reconcile-token header.' })
    }
  }

  return {
    reconcileStatus: createAuthEndpoint('/reconcile/status', { method: 'GET' }, async (ctx) => {
      requireToken(ctx.headers)
      return ctx.json({
        ...(await running().status()),
        reconciling: state.reconciling,
        lastSeedAt: state.lastSeedAt,
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
    reconcileDeadLetters: createAuthEndpoint(
      '/reconcile/dead-letters',
      {
        method: 'GET',
        query: z.object({ limit: z.coerce.number().int().min(1).max(1_000).optional() }).optional(),
      },
      async (ctx) => {
        requireToken(ctx.headers)
        const queue = running()
        const [deadLetters, { deadLetters: total }] = await Promise.all([
          queue.deadLetters(ctx.query?.limit ?? 100),
          queue.status(),
        ])
        return ctx.json({ total, deadLetters })
      },
    ),
    // One dead letter (`{ "group": "user:<id>" }`, as listed) or, with no body, all of them.
    reconcileRetry: createAuthEndpoint(
      '/reconcile/retry',
      {
        method: 'POST',
        body: z.object({ group: z.string().min(1).max(512).optional() }).optional(),
      },
      async (ctx) => {
        requireToken(ctx.headers)
        const group = ctx.body?.group
        const queued = await running().retry(group)
        if (group && queued.length === 0) {
          throw new APIError('NOT_FOUND', {
            message: `No dead letter for ${group}: GET /reconcile/dead-letters lists them.`,
          })
        }
        void running().drain()
        return ctx.json({ queued })
      },
    ),
  }
}
