import type { GenericEndpointContext } from 'better-auth'
import { APIError, createAuthEndpoint, getAuthoritativeSessionFromCtx } from 'better-auth/api'
import * as z from 'zod'
import {
  RESET_TWO_FACTOR_PATH,
  RESET_TWO_FACTOR_PERMISSION,
  type ResetTwoFactorBody,
} from '../../shared/twoFactorReset.ts'
import { call, pluginEndpoint } from './writeThrough.ts'

// Resets a user's two-factor authentication (they lost their device): what the two-factor plugin's
// own `/two-factor/disable` does for oneself, done by someone the admin plugin allows to update
// users. The permission is the admin plugin's own answer (its `userHasPermission` endpoint, called
// in-process with this request's session), and the change goes through Better Auth's adapters, so
// the sync mirrors `twoFactorEnabled: false` into Payload.

/** The two-factor plugin's table (the adapter maps it to the app's `modelName`). */
const TWO_FACTOR_MODEL = 'twoFactor'

export function resetTwoFactorEndpoint() {
  return createAuthEndpoint(
    RESET_TWO_FACTOR_PATH,
    {
      method: 'POST',
      body: z.object({ userId: z.string().min(1) }) satisfies z.ZodType<ResetTwoFactorBody>,
    },
    async (ctx) => {
      const generic = ctx as unknown as GenericEndpointContext
      if (!ctx.context.options.plugins?.some((plugin) => plugin.id === 'two-factor')) {
        throw new APIError('NOT_FOUND', {
          message:
            'Better Auth has no two-factor plugin, so there is no two-factor to reset: add twoFactor() to betterAuth({ plugins }) to use it.',
        })
      }
      const session = await getAuthoritativeSessionFromCtx(generic)
      if (!session) {
        throw new APIError('UNAUTHORIZED', {
          message: "Sign in to Better Auth to reset a user's two-factor authentication.",
        })
      }
      const hasPermission = pluginEndpoint(generic, 'admin', 'userHasPermission')
      if (!hasPermission) {
        throw new APIError('FORBIDDEN', {
          message:
            "Only Better Auth's admin plugin can allow resetting another user's two-factor: add admin() to betterAuth({ plugins }).",
        })
      }
      // No `userId` or `role` in the question: the admin plugin judges the session's own user.
      const answer = await call<{ success?: boolean }>(hasPermission, generic, {
        permissions: RESET_TWO_FACTOR_PERMISSION,
      })
      if (answer?.success !== true) {
        throw new APIError('FORBIDDEN', {
          message:
            "You are not allowed to reset another user's two-factor authentication (the admin plugin's user:update permission).",
        })
      }
      const { userId } = ctx.body
      const user = await ctx.context.internalAdapter.findUserById(userId)
      if (!user) {
        throw new APIError('NOT_FOUND', { message: `No Better Auth user has id ${userId}.` })
      }
      // As the two-factor plugin's own disable: the flag first, then the secret and backup codes.
      await ctx.context.internalAdapter.updateUser(userId, { twoFactorEnabled: false })
      await ctx.context.adapter.deleteMany({
        model: TWO_FACTOR_MODEL,
        where: [{ field: 'userId', value: userId }],
      })
      return ctx.json({ status: true })
    },
  )
}
