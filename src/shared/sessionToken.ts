import { createHmac, timingSafeEqual } from 'node:crypto'
import { parseCookie, stringifySetCookie } from 'cookie'

// Reading Better Auth's session token off a request, and checking its signature. The cookie value
// is `encodeURIComponent(token + '.' + base64(HMAC-SHA256(secret, token)))`; a Bearer header
// carries the same signed value (what Better Auth's bearer plugin hands out as `set-auth-token`).

export interface SessionCookieOptions {
  /** Better Auth's `advanced.cookiePrefix`. Default `better-auth`. */
  cookiePrefix?: string
  /** Better Auth's `advanced.cookies.session_token.name`, when you renamed the cookie. */
  sessionCookieName?: string
  /**
   * Better Auth's `advanced.useSecureCookies`, when you set it. Default: whether the site is served
   * over HTTPS (`externalBaseURL`), which is how Better Auth decides too.
   */
  useSecureCookies?: boolean
}

/**
 * The names the session cookie may have. With Secure cookies (`useSecureCookies`, else an https
 * `siteURL`) only the `__Secure-` name: Better Auth reads nothing else there, and a cookie without
 * the prefix may have been planted by a sibling subdomain. Otherwise both, `__Secure-` first.
 */
export function sessionCookieNames(options: SessionCookieOptions = {}, siteURL?: string): string[] {
  const name = options.sessionCookieName ?? `${options.cookiePrefix ?? 'better-auth'}.session_token`
  if (usesSecureCookies(options, siteURL)) return [`__Secure-${name}`]
  return [`__Secure-${name}`, name]
}

/** Whether Better Auth's cookies are Secure: its `useSecureCookies`, else an https site. */
export function usesSecureCookies(options: SessionCookieOptions, siteURL?: string): boolean {
  return options.useSecureCookies ?? siteURL?.startsWith('https:') ?? false
}

/**
 * Every cookie Better Auth may have set for a session (token, cached session data, the
 * "don't remember me" flag), with and without `__Secure-`: what a sign-out has to expire.
 */
export function betterAuthCookieNames(options: SessionCookieOptions = {}): string[] {
  const prefix = options.cookiePrefix ?? 'better-auth'
  const names = [`${prefix}.session_token`, `${prefix}.session_data`, `${prefix}.dont_remember`]
  if (options.sessionCookieName) names.push(options.sessionCookieName)
  return names.flatMap((name) => [`__Secure-${name}`, name])
}

/** The names among `candidates` that the request's `Cookie` header carries. */
export function presentCookies(headers: Headers, candidates: readonly string[]): string[] {
  const cookieHeader = headers.get('cookie')
  if (!cookieHeader) return []
  const cookies = parseCookie(cookieHeader)
  return candidates.filter((name) => cookies[name] !== undefined)
}

/**
 * A `Set-Cookie` value that expires `name` with the attributes Better Auth sets it with (path `/`,
 * HttpOnly, SameSite=Lax). `Secure` must match too, or the browser keeps the cookie: it is set for
 * `__Secure-` names (which require it) and whenever the site is served over HTTPS.
 */
export function expiredCookie(name: string, secure: boolean): string {
  return stringifySetCookie({
    name,
    value: '',
    path: '/',
    maxAge: 0,
    httpOnly: true,
    sameSite: 'lax',
    secure: secure || name.startsWith('__Secure-'),
  })
}

/** The token if `signedValue` carries a valid signature for it, else null. */
export function verifySignedToken(signedValue: string, secret: string): string | null {
  const dot = signedValue.lastIndexOf('.')
  if (dot < 1) return null
  const token = signedValue.slice(0, dot)
  // Node's base64 decoder takes both alphabets, padded or not.
  const given = Buffer.from(signedValue.slice(dot + 1), 'base64')
  const expected = createHmac('sha256', secret).update(token).digest()
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  return token
}

function decode(value: string): string {
  try {
    return value.includes('%') ? decodeURIComponent(value) : value
  } catch {
    return value
  }
}

/** A verified session token and where the request carried it (a cookie needs a CSRF check). */
export interface SessionCredential {
  token: string
  from: 'cookie' | 'bearer'
}

/**
 * The verified session token of a request (cookie first, then `Authorization: Bearer`), or null.
 * Nothing unsigned or wrongly signed gets past this, so no store lookup is ever made for it.
 */
export function readSessionCredential(
  headers: Headers,
  cookieNames: readonly string[],
  secret: string,
): SessionCredential | null {
  const cookieHeader = headers.get('cookie')
  if (cookieHeader) {
    const cookies = parseCookie(cookieHeader)
    for (const name of cookieNames) {
      const value = cookies[name]
      if (value) {
        const token = verifySignedToken(value, secret)
        return token ? { token, from: 'cookie' } : null
      }
    }
  }
  const authorization = headers.get('authorization')
  if (authorization && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    const value = authorization.slice(7).trim()
    const token = value ? verifySignedToken(decode(value), secret) : null
    if (token) return { token, from: 'bearer' }
  }
  return null
}

/** The verified session token of a request, wherever it came from (see `readSessionCredential`). */
export function readSessionToken(
  headers: Headers,
  cookieNames: readonly string[],
  secret: string,
): string | null {
  return readSessionCredential(headers, cookieNames, secret)?.token ?? null
}

/**
 * Whether a cookie-carried credential may be used for this request, by the rule of Payload's own
 * cookie extraction (`payload/dist/auth/extractJWT.js`), so both strategies refuse the same
 * requests: an `Origin` must be in `csrf` (when the list is not empty); without an `Origin` and
 * with a list, `Sec-Fetch-Site` must say same-origin, same-site or none.
 */
export function cookieRequestAllowed(headers: Headers, csrf: readonly string[]): boolean {
  const origin = headers.get('origin')
  if (origin) return csrf.length === 0 || csrf.includes(origin)
  if (csrf.length === 0) return true
  const site = headers.get('sec-fetch-site')
  return site === 'same-origin' || site === 'same-site' || site === 'none'
}
