import type { Report } from './lines.ts'
import type { BetterAuthSide, PayloadSide } from './sides.ts'

/** Both plugins are there, and Payload's is not disabled. */
export function checkPlugins(
  report: Report,
  payload: PayloadSide | null,
  betterAuth: BetterAuthSide | null,
): void {
  if (!payload) {
    report.add({
      status: 'FAIL',
      text: 'the Payload config has no betterAuthPayloadPlugin',
      fix: "add betterAuthPayloadPlugin({...}) to the config's plugins (or pass --config <file>)",
    })
  } else if (payload.disabled) {
    report.add({
      status: 'warn',
      text: 'betterAuthPayloadPlugin is disabled: Payload authenticates nobody through Better Auth',
      fix: 'remove disabled: true when the migration is done',
    })
  }
  if (!betterAuth) {
    report.add({
      status: 'FAIL',
      text: 'the Better Auth instance has no payloadBetterAuthPlugin',
      fix: "add payloadBetterAuthPlugin({...}) to Better Auth's plugins (or pass --auth <file>)",
    })
  }
}
