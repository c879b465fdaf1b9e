import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  readSessionToken,
  sessionCookieNames,
  verifySignedToken,
} from '../src/shared/sessionToken.ts'

const SECRET = 'session-token-test-secret-0123456789abcdef'
const signed = (token: string, secret = SECRET) =>
  `${token}.${createHmac('sha256', secret).update(token).digest('base64')}`
const cookie = (name: string, value: string) =>
  new Headers({ cookie: `other=1; ${name}=${encodeURIComponent(value)}; x=y` })

describe('session token', () => {
  it("names the cookie as Better Auth does: default, cookiePrefix, or a renamed cookie, each also '__Secure-'", () => {
    expect(sessionCookieNames()).toEqual([
      '__Secure-better-auth.session_token',
      'better-auth.session_token',
    ])
    expect(sessionCookieNames({ cookiePrefix: 'myapp' })).toEqual([
      '__Secure-myapp.session_token',
      'myapp.session_token',
    ])
    expect(sessionCookieNames({ sessionCookieName: 'sid' })).toEqual(['__Secure-sid', 'sid'])
  })

  it('reads a signed token from the configured cookie name only', () => {
    const token = 'AbCdEf0123456789AbCdEf0123456789'
    const names = sessionCookieNames({ cookiePrefix: 'myapp' })
    expect(readSessionToken(cookie('myapp.session_token', signed(token)), names, SECRET)).toBe(
      token,
    )
    expect(
      readSessionToken(cookie('__Secure-myapp.session_token', signed(token)), names, SECRET),
    ).toBe(token)
    expect(
      readSessionToken(cookie('better-auth.session_token', signed(token)), names, SECRET),
    ).toBeNull()
  })

  it('refuses what is unsigned, signed with another secret, truncated or altered', () => {
    const token = 'AbCdEf0123456789AbCdEf0123456789'
    expect(verifySignedToken(signed(token), SECRET)).toBe(token)
    expect(verifySignedToken(token, SECRET)).toBeNull()
    expect(verifySignedToken(`${token}.`, SECRET)).toBeNull()
    expect(
      verifySignedToken(signed(token, 'another-secret-0123456789abcdef0123'), SECRET),
    ).toBeNull()
    expect(verifySignedToken(signed(token).slice(0, -4), SECRET)).toBeNull()
    expect(verifySignedToken(signed(token).replace(token, `${token}x`), SECRET)).toBeNull()
    expect(verifySignedToken(`.${signed(token).split('.')[1]}`, SECRET)).toBeNull()
  })

  it('takes the cookie over a Bearer header, and a Bearer header when there is no cookie', () => {
    const names = sessionCookieNames()
    const headers = new Headers({
      authorization: `Bearer ${signed('from-bearer-token-0123456789')}`,
    })
    expect(readSessionToken(headers, names, SECRET)).toBe('from-bearer-token-0123456789')
    headers.set(
      'cookie',
      `better-auth.session_token=${encodeURIComponent(signed('from-cookie-token-0123456789'))}`,
    )
    expect(readSessionToken(headers, names, SECRET)).toBe('from-cookie-token-0123456789')
  })
})
