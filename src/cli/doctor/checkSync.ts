import { DEAD_LETTER_KIND, syncQueueOf } from '../../better-auth/durableQueue.ts'
import { createFailureLog } from '../../better-auth/reconcile.ts'
import {
  RECONCILE_LOCK_TTL_SECONDS,
  reconcileLockKey,
  SYNC_FAILURES_SINCE_KEY,
  timestampKey,
} from '../../shared/keys.ts'
import { type Report, when, within } from './lines.ts'
import type { BetterAuthSide, SideView } from './sides.ts'

/** The sync at work: the start-up protocol, the last full reconcile, the queue and dead letters. */
export async function checkSync(
  report: Report,
  payload: SideView,
  betterAuth: BetterAuthSide,
  timeoutMs: number,
): Promise<void> {
  await checkStartupTimestamps(report, payload, betterAuth, timeoutMs)
  await checkLastReconcile(report, betterAuth, timeoutMs)
  await checkSyncQueue(report, betterAuth, timeoutMs)
}

/** Payload's last start was taken up by a Better Auth instance (it claimed the full reconcile). */
async function checkStartupTimestamps(
  report: Report,
  payload: SideView,
  betterAuth: SideView,
  timeoutMs: number,
): Promise<void> {
  await report.check('the start-up timestamps', async () => {
    const get = (side: SideView, key: string) => within(side.storage.get(key), timeoutMs, 'get')
    const payloadStart = Number(await get(payload, timestampKey('payload'))) || 0
    const betterAuthStart = Number(await get(betterAuth, timestampKey('better-auth'))) || 0
    const caughtUp = betterAuthStart
      ? `; Better Auth last caught up at its start ${when(betterAuthStart)}`
      : ''
    if (!payloadStart) {
      report.add({
        status: 'warn',
        text: `Payload has recorded no start in its storage (${timestampKey('payload')})${caughtUp}`,
        fix: 'start Payload with betterAuthPayloadPlugin and this storage',
      })
      return
    }
    const claimed = await get(betterAuth, reconcileLockKey(payloadStart))
    // Past the lock's TTL a claim has expired: its absence says nothing.
    if (claimed !== null || Date.now() - payloadStart > RECONCILE_LOCK_TTL_SECONDS * 1000) {
      report.add({
        status: 'ok',
        text: `Payload last started ${when(payloadStart)}${claimed !== null ? ' and Better Auth took it up (full reconcile claimed)' : ''}${caughtUp}`,
      })
    } else {
      report.add({
        status: 'FAIL',
        text: `no Better Auth instance took up Payload's start at ${when(payloadStart)} (${reconcileLockKey(payloadStart)} is not in Better Auth's storage)`,
        fix: 'start Better Auth, with the same storage and event bus as Payload',
      })
    }
  })
}

/** A full reconcile started recently enough for `reconcileEveryMs`. */
async function checkLastReconcile(
  report: Report,
  betterAuth: BetterAuthSide,
  timeoutMs: number,
): Promise<void> {
  await report.check('the last full reconcile', async () => {
    const last = Number(
      await within(betterAuth.storage.get(SYNC_FAILURES_SINCE_KEY), timeoutMs, 'get'),
    )
    const everyMs = betterAuth.options.reconcileEveryMs ?? 30 * 60_000
    if (!last) {
      report.add({
        status: 'warn',
        text: 'no full reconcile has finished with this storage yet',
        fix: `one runs at Better Auth's start after Payload's and every ${Math.round(everyMs / 60_000)} min; POST ${betterAuth.settings.basePath}/reconcile/run starts one`,
      })
    } else if (Date.now() - last > 2 * everyMs + 10 * 60_000) {
      report.add({
        status: 'warn',
        text: `the last full reconcile started ${when(last)}, though one runs every ${Math.round(everyMs / 60_000)} min`,
        fix: 'check that a Better Auth instance is running and its worker is not failing (its log says why)',
      })
    } else {
      report.add({ status: 'ok', text: `the last full reconcile started ${when(last)}` })
    }
  })
}

/** The sync's queue: what waits, the users it could not write, and its dead letters. */
async function checkSyncQueue(
  report: Report,
  betterAuth: SideView,
  timeoutMs: number,
): Promise<void> {
  await report.check('the sync queue', async () => {
    const queue = syncQueueOf(betterAuth.storage)
    const [size, dead, failing] = await within(
      Promise.all([
        queue.size(),
        queue.count(DEAD_LETTER_KIND),
        createFailureLog(betterAuth.storage).list(),
      ]),
      timeoutMs,
      'queue',
    )
    const base = betterAuth.settings.basePath
    report.add({
      status: failing.length > 0 ? 'warn' : 'ok',
      text: `sync queue: ${size} task${size === 1 ? '' : 's'} waiting; ${failing.length} user${failing.length === 1 ? '' : 's'} the sync could not write`,
      ...(failing.length > 0
        ? { fix: `GET ${base}/reconcile/status lists them with the reason` }
        : {}),
    })
    report.add(
      dead === 0
        ? { status: 'ok', text: 'no dead letters' }
        : {
            status: 'FAIL',
            text: `${dead} dead letter${dead === 1 ? '' : 's'} (sync tasks that failed every attempt)`,
            fix: `GET ${base}/reconcile/dead-letters says why; fix the cause, then POST ${base}/reconcile/retry`,
          },
    )
  })
}
