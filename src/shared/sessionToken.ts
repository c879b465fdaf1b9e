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
}

/** The names the session cookie may have: with the `__Secure-` prefix (HTTPS) first, then without. */
export function sessionCookieNames(options: SessionCookieOptions = {}): string[] {
  const name = options.sessionCookieName ?? `${options.cookiePrefix ?? 'better-auth'}.session_token`
  return [`__Secure-${name}`, name]
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

/**
 * The verified session token of a request (cookie first, then `Authorization: Bearer`), or null.
 * Nothing unsigned or wrongly signed gets past this, so no store lookup is ever made for it.
 */
export function readSessionToken(
  headers: Headers,
  cookieNames: readonly string[],
  secret: string,
): string | null {
  const cookieHeader = headers.get('cookie')
  if (cookieHeader) {
    const cookies = parseCookie(cookieHeader)
    for (const name of cookieNames) {
      const value = cookies[name]
      if (value) return verifySignedToken(value, secret)
    }
  }
  const authorization = headers.get('authorization')
  if (authorization && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    const value = authorization.slice(7).trim()
    if (value) return verifySignedToken(decode(value), secret)
  }
  return null
}
