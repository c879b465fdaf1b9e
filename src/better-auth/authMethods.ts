import type { BetterAuthOptions } from 'better-auth'

import type { AuthMethod } from '../shared/methods.ts'

export type { AuthMethod }

/** A plugin as Better Auth holds it: its id, and the options it was created with. */
type PluginLike = { id: string; options?: unknown }

/**
 * What this Better Auth accepts and offers (`GET /methods`), from its resolved options: the sign-in
 * methods first, then the capabilities (two-factor, multi-session, admin). Off means absent.
 */
export function authMethods(options: BetterAuthOptions): AuthMethod[] {
  const methods: AuthMethod[] = []
  const plugins = new Map<string, PluginLike>(
    (options.plugins ?? []).map((plugin: PluginLike) => [plugin.id, plugin]),
  )
  const pluginOptions = (id: string) =>
    (plugins.get(id)?.options ?? {}) as Record<string, unknown> & object

  const password = options.emailAndPassword
  if (password?.enabled) {
    methods.push({
      method: 'emailAndPassword',
      options: { minPasswordLength: password.minPasswordLength ?? 8 },
    })
    if (password.sendResetPassword) methods.push({ method: 'forgotPassword' })
    if (plugins.has('username')) methods.push({ method: 'username' })
  }
  if (options.emailVerification?.sendVerificationEmail) {
    methods.push({ method: 'emailVerification' })
  }
  if (plugins.has('magic-link')) methods.push({ method: 'magicLink' })
  if (plugins.has('email-otp')) methods.push({ method: 'emailOTP' })
  if (plugins.has('passkey')) methods.push({ method: 'passkey' })

  const providers = Object.entries(options.socialProviders ?? {})
    .filter(([, config]) => config && (config as { enabled?: boolean }).enabled !== false)
    .map(([id]) => id)
  const generic = (
    (pluginOptions('generic-oauth').config as
      | Array<{ providerId: string; name?: string }>
      | undefined) ?? []
  ).filter((config) => typeof config?.providerId === 'string')
  if (providers.length > 0 || generic.length > 0) {
    const names = Object.fromEntries(
      generic.filter((config) => config.name).map((config) => [config.providerId, config.name]),
    ) as Record<string, string>
    methods.push({
      method: 'social',
      options: {
        providers,
        ...(generic.length > 0 ? { genericOAuth: generic.map((config) => config.providerId) } : {}),
        ...(Object.keys(names).length > 0 ? { names } : {}),
      },
    })
  }

  if (plugins.has('two-factor')) {
    const twoFactor = pluginOptions('two-factor') as {
      totpOptions?: { disable?: boolean }
      otpOptions?: { sendOTP?: unknown }
    }
    methods.push({
      method: 'twoFactor',
      options: {
        totp: twoFactor.totpOptions?.disable !== true,
        otp: typeof twoFactor.otpOptions?.sendOTP === 'function',
        backupCodes: true,
      },
    })
  }
  if (plugins.has('multi-session')) methods.push({ method: 'multiSession' })
  if (plugins.has('admin')) {
    const admin = pluginOptions('admin') as {
      roles?: Record<string, unknown>
      adminRoles?: string | string[]
    }
    const adminRoles = admin.adminRoles ?? ['admin']
    methods.push({
      method: 'admin',
      options: {
        roles: Object.keys(admin.roles ?? { admin: true, user: true }),
        adminRoles: Array.isArray(adminRoles)
          ? adminRoles
          : adminRoles.split(',').map((role) => role.trim()),
      },
    })
  }
  return methods
}
