import { descriptionOf, isInProcess } from '../../shared/description.ts'
import { doctorService } from '../../shared/keys.ts'
import { type Report, within } from './lines.ts'
import type { SideView } from './sides.ts'

const BUS_FIX =
  'give both plugins the same event bus (createRedisEventBus on the same Redis and channelPrefix, or createSqlitePollingEventBus on the same file)'

/** Whether an event `from` sends reaches `to` within `timeoutMs`. */
async function delivers(
  from: SideView,
  to: SideView,
  nonce: string,
  timeoutMs: number,
): Promise<boolean> {
  const service = doctorService(`${nonce}:${from.side}`)
  const sent = Date.now()
  let unsubscribe = () => {}
  const delivered = new Promise<boolean>((resolve) => {
    unsubscribe = to.eventBus.subscribeToTimestamp(service, (timestamp) => {
      if (timestamp === sent) resolve(true)
    })
    setTimeout(() => resolve(false), timeoutMs).unref()
  })
  try {
    await within(to.eventBus.ready?.() ?? Promise.resolve(), timeoutMs, 'subscribe')
    from.eventBus.notifyTimestampChange(service, sent)
    return await delivered
  } finally {
    unsubscribe()
  }
}

/** The event bus: an event sent by each side reaches the other. */
export async function checkEventBus(
  report: Report,
  payload: SideView,
  betterAuth: SideView,
  { nonce, timeoutMs }: { nonce: string; timeoutMs: number },
): Promise<void> {
  await report.check('the event bus', async () => {
    const failures: string[] = []
    for (const [from, to] of [
      [payload, betterAuth],
      [betterAuth, payload],
    ] as const) {
      if (!(await delivers(from, to, nonce, timeoutMs))) failures.push(`${from.name} → ${to.name}`)
    }
    // One storage object is taken as one set-up: its bus is named once.
    const buses =
      payload.storage === betterAuth.storage
        ? descriptionOf(payload.eventBus, 'a custom event bus')
        : `Payload: ${descriptionOf(payload.eventBus, 'a custom event bus')}; Better Auth: ${descriptionOf(betterAuth.eventBus, 'a custom event bus')}`
    report.add(
      failures.length === 0
        ? { status: 'ok', text: `the event bus carries events both ways (${buses})` }
        : {
            status: 'FAIL',
            text: `events sent on the event bus did not arrive within ${timeoutMs} ms (${failures.join(', ')}; ${buses})`,
            fix: BUS_FIX,
          },
    )
  })
  if ([payload, betterAuth].some((side) => isInProcess(side.eventBus))) {
    report.add({
      status: 'warn',
      text: 'the event bus is in memory: it reaches only the plugins in this process',
      fix: 'use createRedisEventBus (or createSqlitePollingEventBus on one machine) in production',
    })
  }
}
