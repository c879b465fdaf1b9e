import { type ProbeSettings, SETTING_OPTIONS } from '../../shared/startupProbe.ts'
import type { Report } from './lines.ts'
import type { SideView } from './sides.ts'

/** One thing both sides must have alike: its ok line, and what the FAIL line says when not. */
interface Agreement {
  same: boolean
  ok: string
  differs: { text: string; fix: string }
}

/** The two sides' options agree: the secrets they share and the settings both must have. */
export function checkSidesAgree(report: Report, payload: SideView, betterAuth: SideView): void {
  const agreements: Agreement[] = [
    {
      same: payload.syncSecret === betterAuth.syncSecret,
      ok: 'both sides have the same BA_TO_PAYLOAD_SECRET',
      differs: {
        text: 'sync secret differs between the sides: Payload refuses every sync write from Better Auth',
        fix: 'set the same BA_TO_PAYLOAD_SECRET on both (or the same syncSecret option in both plugins)',
      },
    },
    {
      same: payload.betterAuthSecret === betterAuth.betterAuthSecret,
      ok: 'both sides have the same BETTER_AUTH_SECRET',
      differs: {
        text: 'BETTER_AUTH_SECRET differs between the sides: Payload ignores every session cookie Better Auth signs',
        fix: "set the same BETTER_AUTH_SECRET on both (or betterAuthPayloadPlugin's betterAuthSecret to Better Auth's secret)",
      },
    },
    ...(Object.keys(SETTING_OPTIONS) as Array<keyof ProbeSettings>).map((setting) => {
      const [ours, theirs] = [payload.settings[setting], betterAuth.settings[setting]]
      return {
        same: ours === theirs,
        ok: `both sides have ${setting} "${ours}"`,
        differs: {
          text: `${setting} differs between the sides: Payload has "${ours}" (${SETTING_OPTIONS[setting].payload}), Better Auth has "${theirs}" (${SETTING_OPTIONS[setting]['better-auth']})`,
          fix: `set the same ${setting} on both`,
        },
      }
    }),
  ]
  for (const { same, ok, differs } of agreements) {
    report.add(same ? { status: 'ok', text: ok } : { status: 'FAIL', ...differs })
  }
}
