// The Better Auth endpoints the admin sign-in view calls, from the browser. Plain `fetch` against
// Better Auth's REST API: the view needs five calls, not a client library in the admin bundle.

export type BetterAuthResult<T> = { ok: true; data: T } | { ok: false; message: string }

export interface SignInResult {
  /** Set when the account has two-factor authentication: a code is needed to finish. */
  twoFactorRedirect?: boolean
  /** Set by social sign-in: where to send the browser. */
  url?: string
}

async function post<T>(baseURL: string, path: string, body: object): Promise<BetterAuthResult<T>> {
  let response: Response
  try {
    response = await fetch(`${baseURL}${path}`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
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

export const verifyTotp = (baseURL: string, body: { code: string }) =>
  post<SignInResult>(baseURL, '/two-factor/verify-totp', body)
