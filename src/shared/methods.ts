// The `GET /methods` contract: what Better Auth accepts and offers, from its resolved options, for
// the admin's sign-in, account-security and user-management views. Each entry is a method (or a
// capability) that is on; an entry that is absent is off, and its controls are not shown.

/** One entry of `GET /methods`. `options` depends on `method`: see `MethodOptions`. */
export interface AuthMethod<M extends MethodName = MethodName> {
  method: M
  options?: MethodOptions[M]
}

/** What each method's `options` carries. */
export interface MethodOptions {
  emailAndPassword: { minPasswordLength: number }
  /** `sendResetPassword` is configured: "forgot password" works. */
  forgotPassword: Record<string, never>
  /** The `username` plugin: sign in with a username too. */
  username: Record<string, never>
  /** `emailVerification.sendVerificationEmail` is configured: a verification email can be sent. */
  emailVerification: Record<string, never>
  magicLink: Record<string, never>
  /** The `email-otp` plugin: a one-time code by email, for sign-in. */
  emailOTP: Record<string, never>
  /** The passkey plugin (`@better-auth/passkey`). */
  passkey: Record<string, never>
  /**
   * Social providers and generic-OAuth providers (ids), each a button; both sign in through
   * `/sign-in/social` with `provider` = the id. `names`: display names given in the generic-OAuth
   * config (`config[].name`).
   */
  social: { providers: string[]; genericOAuth?: string[]; names?: Record<string, string> }
  /** The `two-factor` plugin; `otp`: codes by email (its `otpOptions.sendOTP` is set). */
  twoFactor: { totp: boolean; otp: boolean; backupCodes: boolean }
  /** The `multi-session` plugin. */
  multiSession: Record<string, never>
  /** The `admin` plugin: its roles, and the roles that make an admin. */
  admin: { roles: string[]; adminRoles: string[] }
}

export type MethodName = keyof MethodOptions

/** The entry for `name`, if that method is on. */
export function findMethod<M extends MethodName>(
  methods: readonly AuthMethod[],
  name: M,
): AuthMethod<M> | undefined {
  return methods.find((entry): entry is AuthMethod<M> => entry.method === name)
}
