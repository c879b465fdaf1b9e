// The admin's "reset two-factor" for a user who lost their device: the Better Auth plugin serves it
// (the two-factor plugin has no such endpoint), and the Payload side calls it as the acting user.

/** Under Better Auth's `basePath`. Body: `ResetTwoFactorBody`. */
export const RESET_TWO_FACTOR_PATH = '/payload/reset-two-factor'

export interface ResetTwoFactorBody {
  /** The Better Auth user whose two-factor is reset. */
  userId: string
}

/** The admin plugin permission the acting user needs. */
export const RESET_TWO_FACTOR_PERMISSION = { user: ['update'] } as const
