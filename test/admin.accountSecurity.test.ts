import { createHmac } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { twoFactor } from 'better-auth/plugins'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  changePassword,
  disableTwoFactor,
  enableTwoFactor,
  generateBackupCodes,
  getSession,
  listAccounts,
  listSessions,
  requestPasswordReset,
  revokeOtherSessions,
  revokeSession,
  unlinkAccount,
  verifyTotpCode,
} from '../src/payload/admin/accountRequests.ts'
import {
  backupCodesText,
  describeUserAgent,
  parseOtpauthURI,
  qrCodeDataURL,
  qrCodeSVG,
} from '../src/payload/admin/accountSecurityLogic.ts'
import { signInEmail, signUpEmail } from '../src/payload/admin/betterAuthRequests.ts'

// The account-security view's logic, and its browser calls run against a real Better Auth 1.7
// (its own handler, SQLite in memory, the two-factor plugin): each helper hits the endpoint with
// the body Better Auth accepts, and the TOTP secret read from the otpauth URI is the one an
// authenticator app would use (the code is computed here from it, RFC 6238, as an app does).

const SITE = 'http://localhost:3000'
const BASE = `${SITE}/api/auth`

describe('account security: pure logic', () => {
  it('reads the setup key, issuer and account from an otpauth URI', () => {
    expect(
      parseOtpauthURI(
        'otpauth://totp/My%20App:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App&digits=6&period=30',
      ),
    ).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'My App',
      account: 'ada@example.com',
      digits: 6,
      period: 30,
      algorithm: 'SHA1',
    })
    expect(parseOtpauthURI('otpauth://totp/bob?secret=abc%20def')).toMatchObject({
      secret: 'ABCDEF',
      account: 'bob',
      issuer: undefined,
    })
    expect(parseOtpauthURI('https://example.com/?secret=X')).toBeUndefined()
    expect(parseOtpauthURI('otpauth://totp/bob')).toBeUndefined()
    expect(parseOtpauthURI('not a uri')).toBeUndefined()
  })

  it('names a session by browser and system', () => {
    const cases: [string | null, string | undefined][] = [
      [
        'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        'Firefox on Linux',
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
        'Safari on macOS',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
        'Edge on Windows',
      ],
      [
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
        'Chrome on Android',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1',
        'Chrome on iOS',
      ],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
        'Headless Chrome on Linux',
      ],
      ['curl/8.5.0', 'curl'],
      ['SomeBot', 'SomeBot'],
      ['', undefined],
      [null, undefined],
    ]
    for (const [ua, expected] of cases) expect(describeUserAgent(ua), String(ua)).toBe(expected)
  })

  it('draws the QR code locally, as SVG, and writes the backup codes as one code a line', () => {
    const uri = 'otpauth://totp/App:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=App'
    const svg = qrCodeSVG(uri)
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/)
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/)
    expect(qrCodeSVG(`${uri}&x=1`)).not.toBe(svg)
    expect(decodeURIComponent(qrCodeDataURL(uri).split(',')[1] as string)).toBe(svg)
    const text = backupCodesText(['aaaa-1111', 'bbbb-2222'], {
      account: 'ada@example.com',
      issuer: 'App',
      date: new Date('2030-01-02T03:04:05Z'),
    })
    expect(text.split('\n')).toEqual([
      'Two-factor backup codes for App - ada@example.com',
      'Generated 2030-01-02T03:04:05.000Z. Each code works once.',
      '',
      'aaaa-1111',
      'bbbb-2222',
      '',
    ])
  })
})

describe('account security: the browser calls, against Better Auth', () => {
  const resetEmails: { email: string; url: string }[] = []
  let auth: ReturnType<typeof createAuth>
  // One cookie jar per "browser"; `as(jar)` makes the global fetch use it.
  let jar = new Map<string, string>()
  let userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

  function createAuth() {
    return betterAuth({
      baseURL: SITE,
      secret: 'account-security-test-secret-0123456789abcdef',
      database: new DatabaseSync(':memory:'),
      emailAndPassword: {
        enabled: true,
        sendResetPassword: async ({ user, url }) => {
          resetEmails.push({ email: user.email, url })
        },
      },
      plugins: [twoFactor({ issuer: 'Account Security Test' })],
      logger: { disabled: true },
    })
  }

  beforeAll(async () => {
    auth = createAuth()
    await (await getMigrations(auth.options)).runMigrations()
    vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      headers.set('origin', SITE)
      headers.set('user-agent', userAgent)
      headers.set('x-forwarded-for', jar === first ? '203.0.113.7' : '198.51.100.9')
      if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
      const response = await auth.handler(new Request(input, { ...init, headers }))
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = cookie.split(';')
        const [name = '', value = ''] = pair.split('=')
        const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()))
        if (expired || value === '') jar.delete(name.trim())
        else jar.set(name.trim(), value)
      }
      return response
    })
  })
  afterEach(() => {
    jar = first
  })
  afterAll(() => {
    vi.unstubAllGlobals()
  })

  const first = jar
  const password = 'correct-horse-battery'
  const email = 'ada@example.com'
  const ok = <T>(result: { ok: true; data: T } | { ok: false; message: string }): T => {
    if (!result.ok) throw new Error(`expected success, got: ${result.message}`)
    return result.data
  }

  it('turns two-factor on only after a verified code, then regenerates and disables', async () => {
    ok(await signUpEmail(BASE, { name: 'Ada', email, password }))
    expect(ok(await getSession(BASE))?.user.twoFactorEnabled).toBeFalsy()

    expect(await enableTwoFactor(BASE, { password: 'wrong-password' })).toMatchObject({ ok: false })
    const enabled = ok(await enableTwoFactor(BASE, { password, method: 'totp' }))
    expect(enabled.backupCodes).toHaveLength(10)
    const details = parseOtpauthURI(enabled.totpURI as string)
    expect(details).toMatchObject({ issuer: 'Account Security Test', account: email, digits: 6 })
    // Not on until a code proves the authenticator has the key.
    expect(ok(await getSession(BASE))?.user.twoFactorEnabled).toBeFalsy()

    expect(await verifyTotpCode(BASE, { code: '000000' })).toMatchObject({ ok: false })
    const secret = details?.secret as string
    ok(await verifyTotpCode(BASE, { code: totp(secret, details?.period ?? 30) }))
    expect(ok(await getSession(BASE))?.user.twoFactorEnabled).toBe(true)

    expect(await generateBackupCodes(BASE, { password: 'wrong-password' })).toMatchObject({
      ok: false,
    })
    const regenerated = ok(await generateBackupCodes(BASE, { password }))
    expect(regenerated.backupCodes).toHaveLength(10)
    expect(regenerated.backupCodes).not.toEqual(enabled.backupCodes)

    expect(await disableTwoFactor(BASE, { password: 'wrong-password' })).toMatchObject({
      ok: false,
    })
    ok(await disableTwoFactor(BASE, { password }))
    expect(ok(await getSession(BASE))?.user.twoFactorEnabled).toBeFalsy()
  })

  it('lists sessions with their device and IP, signs one out, then all the others', async () => {
    const current = ok(await getSession(BASE))?.session.token
    const signInElsewhere = async (ua: string) => {
      jar = new Map()
      userAgent = ua
      ok(await signInEmail(BASE, { email, password }))
      const token = ok(await getSession(BASE))?.session.token as string
      jar = first
      userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
      return token
    }
    const phone = await signInElsewhere(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    )
    const laptop = await signInElsewhere(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    )

    const sessions = ok(await listSessions(BASE))
    expect(sessions.map((s) => s.token).sort()).toEqual([current, phone, laptop].sort())
    const byToken = new Map(sessions.map((s) => [s.token, s]))
    expect(describeUserAgent(byToken.get(phone)?.userAgent)).toBe('Safari on iOS')
    expect(describeUserAgent(byToken.get(laptop)?.userAgent)).toBe('Chrome on Windows')
    expect(byToken.get(laptop)?.ipAddress).toBe('198.51.100.9')
    expect(Number.isNaN(Date.parse(byToken.get(laptop)?.createdAt ?? ''))).toBe(false)

    ok(await revokeSession(BASE, { token: phone }))
    expect(
      ok(await listSessions(BASE))
        .map((s) => s.token)
        .sort(),
    ).toEqual([current, laptop].sort())

    ok(await revokeOtherSessions(BASE))
    expect(ok(await listSessions(BASE)).map((s) => s.token)).toEqual([current])
    expect(ok(await getSession(BASE))?.session.token).toBe(current)
  })

  it('changes the password with the current one, and lists the accounts', async () => {
    expect(
      await changePassword(BASE, {
        currentPassword: 'wrong-password',
        newPassword: 'n3w-pass-word',
      }),
    ).toMatchObject({ ok: false })
    ok(await changePassword(BASE, { currentPassword: password, newPassword: 'n3w-pass-word' }))
    jar = new Map()
    expect(await signInEmail(BASE, { email, password })).toMatchObject({ ok: false })
    ok(await signInEmail(BASE, { email, password: 'n3w-pass-word' }))
    jar = first

    const accounts = ok(await listAccounts(BASE))
    expect(accounts.map((a) => a.providerId)).toEqual(['credential'])
    // The only way in cannot be unlinked.
    expect(await unlinkAccount(BASE, { accountId: accounts[0]?.id as string })).toMatchObject({
      ok: false,
    })
  })

  it('emails a link to set a password that comes back to the admin', async () => {
    ok(await requestPasswordReset(BASE, { email, redirectTo: `${SITE}/admin/reset` }))
    const sent = resetEmails.at(-1)
    expect(sent?.email).toBe(email)
    expect(sent?.url).toContain(`callbackURL=${encodeURIComponent(`${SITE}/admin/reset`)}`)
  })

  it('reports a signed-out browser as no session, and refuses its calls', async () => {
    jar = new Map()
    expect(ok(await getSession(BASE))).toBeNull()
    expect(await listSessions(BASE)).toMatchObject({ ok: false })
    expect(await enableTwoFactor(BASE, { password })).toMatchObject({ ok: false })
  })
})

/** RFC 6238 from a base32 key, as an authenticator app computes it. */
function totp(base32: string, period: number, digits = 6): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const char of base32.replace(/=+$/, '')) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0')
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / period)))
  const hmac = createHmac('sha1', key).update(counter).digest()
  const offset = (hmac[hmac.length - 1] as number) & 0xf
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits
  return String(value).padStart(digits, '0')
}
