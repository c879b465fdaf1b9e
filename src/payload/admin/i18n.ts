// Reading the Better Auth strings (`translations.ts`) through Payload's i18n: `betterAuth:<key>`.
// Payload types `t` with its own keys only; the cast to them lives here, once.

import type { BetterAuthTranslationKey } from './translations.ts'

/** Translates one of our keys, with `{{name}}` values. */
export type BetterAuthT = (key: BetterAuthTranslationKey, vars?: Record<string, unknown>) => string

/** Payload's `t` (a server `req.i18n.t` or the client's `useTranslation().t`), for our keys. */
export function betterAuthT(
  t: (key: never, vars?: Record<string, unknown>) => string,
): BetterAuthT {
  return (key, vars) => t(`betterAuth:${key}` as never, vars)
}
