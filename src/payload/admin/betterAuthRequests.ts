// The Better Auth endpoints the admin sign-in views call, from the browser. Plain `fetch` against
// Better Auth's REST API: the views need a few calls, not a client library in the admin bundle.

/**
 * A request's outcome. A failure carries Better Auth's message when it sent one, its status, and
 * `unreachable` when Better Auth did not answer at all (the views show their own words then).
 */
export type BetterAuthResult<T> =
  | { ok: true; data: T }
  | { ok: false; message: string; status?: number; unreachable?: boolean }

export interface SignInResult {
  /** Set when the account has two-factor authentication: a code is needed to finish. */
  twoFactorRedirect?: boolean
  /** With `twoFactorRedirect`: the factors this account can use (`totp`, `otp`). */
  twoFactorMethods?: string[]
  /** Set by social sign-in: where to send the browser. */
  url?: string
}

const post = <T>(baseURL: string, path: string, body: object) =>
  send<T>(baseURL, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

async function send<T>(
  baseURL: string,
  path: string,
  init: RequestInit = { method: 'GET' },
): Promise<BetterAuthResult<T>> {
  let response: Response
  try {
    response = await fetch(`${baseURL}${path}`, { ...init, credentials: 'include' })
  } catch {
    return {
      ok: false,
      unreachable: true,
      message: `Better Auth did not answer at ${baseURL}. Try again in a moment.`,
    }
  }
  const data = (await response.json().catch(() => null)) as (T & { message?: string }) | null
  if (!response.ok) {
    return {
      ok: false,
      status: response.status,
      // Better Auth's own words, or none (the views then say what the status was).
      message: typeof data?.message === 'string' ? data.message : '',
    }
  }
  return { ok: true, data: (data ?? {}) as T }
}

export const signInEmail = (baseURL: string, body: { email: string; password: string }) =>
  post<SignInResult>(baseURL, '/sign-in/email', body)

export const signUpEmail = (
  baseURL: string,
  body: { name: string; email: string; password: string },
) => post<SignInResult>(baseURL, '/sign-up/email', body)

export const sendMagicLink = (baseURL: string, body: { email: string; callbackURL: string }) =>
  post<{ status: boolean }>(baseURL, '/sign-in/magic-link', body)

export const signInSocial = (baseURL: string, body: { provider: string; callbackURL: string }) =>
  post<SignInResult>(baseURL, '/sign-in/social', body)

export const verifyTotp = (baseURL: string, body: { code: string; trustDevice?: boolean }) =>
  post<SignInResult>(baseURL, '/two-factor/verify-totp', body)

// The `username` plugin.
export const signInUsername = (baseURL: string, body: { username: string; password: string }) =>
  post<SignInResult>(baseURL, '/sign-in/username', body)

// Forgot password: Better Auth emails a link to its `/reset-password/:token`, which redirects to
// `redirectTo?token=...` (or `?error=INVALID_TOKEN`).
export const requestPasswordReset = (
  baseURL: string,
  body: { email: string; redirectTo: string },
) => post<{ status: boolean }>(baseURL, '/request-password-reset', body)

export const resetPassword = (baseURL: string, body: { newPassword: string; token: string }) =>
  post<{ status: boolean }>(baseURL, '/reset-password', body)

// The `email-otp` plugin, for sign-in.
export const sendSignInOTP = (baseURL: string, body: { email: string }) =>
  post<{ success: boolean }>(baseURL, '/email-otp/send-verification-otp', {
    ...body,
    type: 'sign-in',
  })

export const signInEmailOTP = (baseURL: string, body: { email: string; otp: string }) =>
  post<SignInResult>(baseURL, '/sign-in/email-otp', body)

// The passkey plugin (`@better-auth/passkey`): options for `startAuthentication`, then its answer.
export const passkeyAuthenticationOptions = <T>(baseURL: string) =>
  send<T>(baseURL, '/passkey/generate-authenticate-options')

export const verifyPasskeyAuthentication = (baseURL: string, body: { response: object }) =>
  post<SignInResult>(baseURL, '/passkey/verify-authentication', body)

// The second factor, after `twoFactorRedirect` (the two-factor cookie says whose).
export const verifyBackupCode = (baseURL: string, body: { code: string; trustDevice?: boolean }) =>
  post<SignInResult>(baseURL, '/two-factor/verify-backup-code', body)

export const sendTwoFactorOTP = (baseURL: string) =>
  post<{ status: boolean }>(baseURL, '/two-factor/send-otp', {})

export const verifyTwoFactorOTP = (
  baseURL: string,
  body: { code: string; trustDevice?: boolean },
) => post<SignInResult>(baseURL, '/two-factor/verify-otp', body)
