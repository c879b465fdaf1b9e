// The Better Auth endpoints the account-security view calls, from the browser, with the signed-in
// user's session cookie. Plain `fetch` against Better Auth's REST API: every check (password,
// codes, ownership, freshness) and all of the crypto stay in Better Auth.

import type { BetterAuthResult } from './betterAuthRequests.ts'

async function call<T>(
  baseURL: string,
  path: string,
  init: { method: 'GET' } | { method: 'POST'; body: object },
): Promise<BetterAuthResult<T>> {
  let response: Response
  try {
    response = await fetch(`${baseURL}${path}`, {
      method: init.method,
      credentials: 'include',
      cache: 'no-store',
      ...(init.method === 'POST'
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }
        : {}),
    })
  } catch {
    return {
      ok: false,
      message: `Better Auth did not answer at ${baseURL}. Try again in a moment.`,
    }
  }
  const data = (await response.json().catch(() => null)) as (T & { message?: string }) | null
  if (!response.ok) {
    return { ok: false, message: data?.message ?? `Better Auth answered ${response.status}.` }
  }
  return { ok: true, data: data as T }
}

const get = <T>(baseURL: string, path: string) => call<T>(baseURL, path, { method: 'GET' })
const post = <T>(baseURL: string, path: string, body: object = {}) =>
  call<T>(baseURL, path, { method: 'POST', body })

// Dates arrive as ISO strings over JSON.
export interface CurrentSession {
  session: { id: string; token: string }
  user: { id: string; email: string; name?: string; twoFactorEnabled?: boolean | null }
}

export interface SessionEntry {
  id: string
  token: string
  createdAt: string
  updatedAt: string
  expiresAt: string
  ipAddress?: string | null
  userAgent?: string | null
}

export interface AccountEntry {
  /** Better Auth's account id (what `/unlink-account` takes). */
  id: string
  /** `credential` for the password, else the provider's id. */
  providerId: string
  /** The provider's id for the user. */
  accountId: string
  createdAt: string
}

export interface PasskeyEntry {
  id: string
  name?: string | null
  createdAt: string
  deviceType?: string
}

export interface EnableTwoFactorResult {
  method?: 'totp' | 'otp'
  totpURI?: string
  backupCodes?: string[]
}

/** The current session and its user (`null` when signed out). */
export const getSession = (baseURL: string) => get<CurrentSession | null>(baseURL, '/get-session')

export const listSessions = (baseURL: string) => get<SessionEntry[]>(baseURL, '/list-sessions')

export const revokeSession = (baseURL: string, body: { token: string }) =>
  post<{ status: boolean }>(baseURL, '/revoke-session', body)

export const revokeOtherSessions = (baseURL: string) =>
  post<{ status: boolean }>(baseURL, '/revoke-other-sessions')

export const changePassword = (
  baseURL: string,
  body: { currentPassword: string; newPassword: string; revokeOtherSessions?: boolean },
) => post<{ token: string | null }>(baseURL, '/change-password', body)

/**
 * For an account without a password (`/set-password` is server-only in Better Auth): a reset link
 * by email; Better Auth's reset creates the credential account when there is none.
 */
export const requestPasswordReset = (
  baseURL: string,
  body: { email: string; redirectTo: string },
) => post<{ status: boolean }>(baseURL, '/request-password-reset', body)

/** Starts two-factor: with TOTP, Better Auth turns it on only after `/two-factor/verify-totp`. */
export const enableTwoFactor = (
  baseURL: string,
  body: { password?: string; method?: 'totp' | 'otp' },
) => post<EnableTwoFactorResult>(baseURL, '/two-factor/enable', body)

export const verifyTotpCode = (baseURL: string, body: { code: string }) =>
  post<{ token?: string }>(baseURL, '/two-factor/verify-totp', body)

export const generateBackupCodes = (baseURL: string, body: { password?: string }) =>
  post<{ status: boolean; backupCodes: string[] }>(
    baseURL,
    '/two-factor/generate-backup-codes',
    body,
  )

export const disableTwoFactor = (baseURL: string, body: { password?: string }) =>
  post<{ status: boolean }>(baseURL, '/two-factor/disable', body)

export const listAccounts = (baseURL: string) => get<AccountEntry[]>(baseURL, '/list-accounts')

/** Social and generic-OAuth providers alike: answers the provider's URL to send the browser to. */
export const linkSocial = (baseURL: string, body: { provider: string; callbackURL: string }) =>
  post<{ url?: string; redirect?: boolean }>(baseURL, '/link-social', body)

export const unlinkAccount = (baseURL: string, body: { accountId: string }) =>
  post<{ status: boolean }>(baseURL, '/unlink-account', body)

export const listPasskeys = (baseURL: string) =>
  get<PasskeyEntry[]>(baseURL, '/passkey/list-user-passkeys')

/** WebAuthn creation options for `startRegistration` (`@simplewebauthn/browser`). */
export const passkeyRegistrationOptions = (baseURL: string, name?: string) =>
  get<Record<string, unknown>>(
    baseURL,
    `/passkey/generate-register-options${name ? `?name=${encodeURIComponent(name)}` : ''}`,
  )

export const verifyPasskeyRegistration = (
  baseURL: string,
  body: { response: unknown; name?: string },
) => post<PasskeyEntry>(baseURL, '/passkey/verify-registration', body)

export const renamePasskey = (baseURL: string, body: { id: string; name: string }) =>
  post<{ passkey: PasskeyEntry }>(baseURL, '/passkey/update-passkey', body)

export const deletePasskey = (baseURL: string, body: { id: string }) =>
  post<{ status: boolean }>(baseURL, '/passkey/delete-passkey', body)
