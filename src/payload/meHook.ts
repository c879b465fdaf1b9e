import type { CollectionConfig, CollectionMeHook } from 'payload'
import { STRATEGY_NAME } from './credentials/strategy.ts'

/**
 * Answers `/me` (REST and GraphQL) for users the `better-auth` strategy authenticated. Without it
 * Payload decodes the `Authorization: Bearer` value as its own JWT, to report `exp` and echo the
 * token back: a Better Auth session token (the bearer plugin's) is no JWT, so `/me` failed with a
 * 500, and a jwt-plugin token was echoed as if Payload had issued it. The expiry is Better Auth's
 * to tell, as for cookie sessions, so none is given.
 */
export const betterAuthMe: CollectionMeHook = ({ args, user }) => {
  if (args.req.user?._strategy !== STRATEGY_NAME) return
  // Payload types `exp` as required; it only copies the value, and leaves it out when absent.
  return { user, exp: undefined as unknown as number }
}

/** `hooks.me` of an auth collection with `betterAuthMe` after the app's own (the first answer wins). */
export const withBetterAuthMe = (hooks: CollectionConfig['hooks']): CollectionMeHook[] => [
  ...(hooks?.me ?? []),
  betterAuthMe,
]
