import type { BetterAuthPlugin } from 'better-auth'
import { createAuthEndpoint } from 'better-auth/api'
import { authMethods } from './authMethods.ts'
import { resetTwoFactorEndpoint } from './endpoints/resetTwoFactor.ts'

export const ADMIN_CONSOLE_PLUGIN_ID = 'payload-admin-console'

/**
 * What Payload's admin views ask of Better Auth in the shared-database topology, where the sync
 * plugin (which serves the same in the synced topology) does not run: `GET /methods` (the sign-in
 * methods and capabilities the views show) and `POST /payload/reset-two-factor` (an admin's reset
 * of a user who lost their device). Add it to `betterAuth({ plugins })` and to the options given
 * to `betterAuthCollections`, which then gives the admin Better Auth's views.
 */
export function payloadAdminConsole() {
  let methods: ReturnType<typeof authMethods> = []
  return {
    id: ADMIN_CONSOLE_PLUGIN_ID,
    init(ctx) {
      methods = authMethods(ctx.options)
    },
    endpoints: {
      payloadAdminConsoleMethods: createAuthEndpoint('/methods', { method: 'GET' }, async (ctx) =>
        ctx.json(methods),
      ),
      payloadAdminConsoleResetTwoFactor: resetTwoFactorEndpoint(),
    },
  } satisfies BetterAuthPlugin
}
