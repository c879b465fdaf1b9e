import type { BetterAuthOptions } from 'better-auth'

import type { AuthMethod } from '../shared/methods.ts'

export type { AuthMethod }

/** The sign-in methods this Better Auth offers, for login screens (`GET /methods`). */
export function authMethods(options: BetterAuthOptions): AuthMethod[] {
  const methods: AuthMethod[] = []
  if (options.emailAndPassword?.enabled) {
    methods.push({
      method: 'emailAndPassword',
      options: { minPasswordLength: options.emailAndPassword.minPasswordLength ?? 8 },
    })
  }
  const plugins = new Set((options.plugins ?? []).map((plugin) => plugin.id))
  if (plugins.has('magic-link')) methods.push({ method: 'magicLink' })
  const providers = Object.keys(options.socialProviders ?? {})
  if (providers.length > 0) methods.push({ method: 'social', options: { providers } })
  if (plugins.has('two-factor')) methods.push({ method: 'twoFactor' })
  if (plugins.has('passkey')) methods.push({ method: 'passkey' })
  return methods
}
