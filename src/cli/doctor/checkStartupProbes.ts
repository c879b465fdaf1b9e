import { probeKey } from '../../shared/keys.ts'
import { parseProbe, probeMismatches } from '../../shared/startupProbe.ts'
import { lowerFirst, type Report, when, within } from './lines.ts'
import type { SideView } from './sides.ts'

/** The running sides: what each recorded at its last start agrees with the other side here. */
export async function checkStartupProbes(
  report: Report,
  payload: SideView,
  betterAuth: SideView,
  timeoutMs: number,
): Promise<void> {
  await report.check('the start-up probes', async () => {
    for (const [recorded, judge] of [
      [payload, betterAuth],
      [betterAuth, payload],
    ] as const) {
      const probe = parseProbe(
        await within(recorded.storage.get(probeKey(recorded.side)), timeoutMs, 'get'),
      )
      if (!probe) {
        report.add({
          status: 'warn',
          text: `no start-up probe of ${recorded.name} in its storage (${probeKey(recorded.side)})`,
          fix: `start ${recorded.name} (this version of the plugin) with this storage, then run doctor again`,
        })
        continue
      }
      const mismatches = probeMismatches({ ...judge, syncSecret: judge.syncSecret ?? '' }, probe)
      for (const error of mismatches) {
        report.add({
          status: 'FAIL',
          text: `running ${recorded.name}: ${error.problem}`,
          fix: lowerFirst(error.fix),
        })
      }
      if (mismatches.length === 0) {
        report.add({
          status: 'ok',
          text: `${recorded.name}'s last start (${when(probe.startedAt)}) agrees with ${judge.name}'s settings here`,
        })
      }
    }
  })
}
