import { base32 } from '@better-auth/utils/base32'
import { createOTP } from '@better-auth/utils/otp'
import { twoFactor } from 'better-auth/plugins'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type DatabaseKind, describeEachDatabase } from './helpers/databases.ts'
import { eventually } from './helpers/eventually.ts'
import {
  makeAdmin,
  SITE,
  type SignedUp,
  type SyncedApp,
  signUp,
  startSyncedApp,
} from './helpers/syncedApp.ts'

// `POST /api/users/:id/2fa/enable|verify|disable|backup-codes`: one's own two-factor through
// Better Auth's two-factor plugin, and an admin's reset of another user's (`/payload/reset-two-
// factor`, allowed by the admin plugin). Real Payload and real Better Auth over HTTP; the codes are
// computed from the secret Better Auth hands out, as an authenticator app would.

const password = 'correct-horse-battery' // what `signUp` sets

/** The browser's cookie jar after `response`: `previous` with the cookies it set or expired. */
function cookiesAfter(response: Response, previous: string): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=')
        return [pair.slice(0, at), pair.slice(at + 1)] as [string, string]
      }),
  )
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? ''
    const at = pair.indexOf('=')
    const name = pair.slice(0, at)
    if (/max-age=0/i.test(line)) jar.delete(name)
    else jar.set(name, pair.slice(at + 1))
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

const browser = (cookie: string) => ({
  cookie,
  origin: SITE,
  'sec-fetch-site': 'same-origin',
  'content-type': 'application/json',
})

describeEachDatabase('two-factor endpoints on the users collection', (kind: DatabaseKind) => {
  let app: SyncedApp
  let ada: SignedUp
  let bob: SignedUp
  let root: SignedUp

  beforeAll(async () => {
    app = await startSyncedApp(kind, {
      // `twoFactorEnabled` mirrored into Payload, to see the sync follow each change.
      collections: [
        {
          slug: 'users',
          admin: { useAsTitle: 'email' },
          fields: [
            { name: 'name', type: 'text' },
            { name: 'twoFactorEnabled', type: 'checkbox' },
          ],
        },
      ],
      auth: {
        plugins: [twoFactor()],
        mapUserToPayload: (user) => ({
          email: user.email,
          name: String(user.name ?? ''),
          twoFactorEnabled: user.twoFactorEnabled === true,
        }),
      },
    })
    ada = await signUp(app, 'ada@example.com')
    bob = await signUp(app, 'bob@example.com')
    root = await signUp(app, 'root@example.com')
    await makeAdmin(app.synced, root.baUserId)
  })
  afterAll(() => app?.close())

  const post = (id: string, action: string, cookie: string | null, body?: object | string) =>
    app.app.rest(`/users/${id}/2fa/${action}`, {
      method: 'POST',
      headers: cookie === null ? { 'content-type': 'application/json' } : browser(cookie),
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
  const betterAuthUser = async (baUserId: string) =>
    (await (await app.synced.auth.$context).internalAdapter.findUserById(baUserId)) as {
      twoFactorEnabled?: boolean | null
    } | null
  const twoFactorRows = async (baUserId: string) =>
    (await app.synced.auth.$context).adapter.count({
      model: 'twoFactor',
      where: [{ field: 'userId', value: baUserId }],
    })
  /** Waits until the sync has brought `twoFactorEnabled` into the Payload row. */
  const mirrored = (user: SignedUp, enabled: boolean) =>
    eventually(async () => {
      const doc = await app.app.payload.findByID({
        collection: 'users',
        id: user.id,
        depth: 0,
        overrideAccess: true,
      })
      expect((doc as { twoFactorEnabled?: boolean }).twoFactorEnabled).toBe(enabled)
    })
  const me = async (cookie: string) => {
    const response = await app.app.rest('/users/me', { headers: browser(cookie) })
    return ((await response.json()) as { user: { id: string | number } | null }).user
  }
  const message = async (response: Response) =>
    ((await response.json()) as { errors?: Array<{ message: string }> }).errors?.[0]?.message ?? ''

  /** Turns on `user`'s two-factor through Payload; returns the cookie jar and a code generator. */
  async function enableFor(user: SignedUp) {
    let cookie = user.cookie
    const enabled = await post(user.id, 'enable', cookie, { password })
    expect(enabled.status).toBe(200)
    cookie = cookiesAfter(enabled, cookie)
    const { totpURI, backupCodes } = (await enabled.json()) as {
      totpURI: string
      backupCodes: string[]
    }
    expect(backupCodes.length).toBeGreaterThan(0)
    const secret = base32.decode(new URL(totpURI).searchParams.get('secret') ?? '')
    const totp = () => createOTP(secret, { digits: 6, period: 30 }).totp()
    return { cookie, totp }
  }

  it('refuses a request that is not signed in (401)', async () => {
    for (const action of ['enable', 'verify', 'disable', 'backup-codes']) {
      const response = await post(ada.id, action, null, { password })
      expect(response.status, action).toBe(401)
    }
    expect((await betterAuthUser(ada.baUserId))?.twoFactorEnabled).toBeFalsy()
  })

  it('turns on one’s own two-factor: enable, a wrong code refused, the right code verifies', async () => {
    const { totp, ...jar } = await enableFor(ada)
    let cookie = jar.cookie
    // Enabled but not verified yet: not on.
    expect((await betterAuthUser(ada.baUserId))?.twoFactorEnabled).toBeFalsy()

    const right = await totp()
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
    const refused = await post(ada.id, 'verify', cookie, { code: wrong })
    expect(refused.status).toBe(401)
    expect(await message(refused)).toMatch(/Better Auth refused/)
    expect((await betterAuthUser(ada.baUserId))?.twoFactorEnabled).toBeFalsy()

    const verified = await post(ada.id, 'verify', cookie, { code: right })
    expect(verified.status).toBe(200)
    cookie = cookiesAfter(verified, cookie)
    expect((await betterAuthUser(ada.baUserId))?.twoFactorEnabled).toBe(true)
    await mirrored(ada, true)
    // Better Auth replaced the session; the new cookie reached the browser and still signs in.
    expect(String((await me(cookie))?.id)).toBe(ada.id)

    // New backup codes, for oneself, with the password.
    const codes = await post(ada.id, 'backup-codes', cookie, { password })
    expect(codes.status).toBe(200)
    expect(((await codes.json()) as { backupCodes: string[] }).backupCodes).toHaveLength(10)
    const wrongPassword = await post(ada.id, 'backup-codes', cookie, { password: 'nope-nope-nope' })
    expect(wrongPassword.status).toBe(400)

    // Now a sign-in needs the second step.
    const signIn = await app.synced.auth.api.signInEmail({ body: { email: ada.email, password } })
    expect(signIn).toMatchObject({ twoFactorRedirect: true })
    ada = { ...ada, cookie, headers: browser(cookie) }
  })

  it('refuses bad input with a 400', async () => {
    expect((await post(ada.id, 'verify', ada.cookie, 'not json')).status).toBe(400)
    expect((await post(ada.id, 'verify', ada.cookie, [])).status).toBe(400)
    expect((await post(ada.id, 'verify', ada.cookie, {})).status).toBe(400)
    expect((await post(ada.id, 'verify', ada.cookie, { code: 'abcdef' })).status).toBe(400)
    expect((await post(ada.id, 'enable', ada.cookie, { password: 42 })).status).toBe(400)
  })

  it('lets nobody enable, verify or make backup codes for someone else (403)', async () => {
    for (const action of ['enable', 'verify', 'backup-codes']) {
      const response = await post(ada.id, action, root.cookie, { password, code: '123456' })
      expect(response.status, action).toBe(403)
      expect(await message(response)).toMatch(/Only the user themselves/)
    }
  })

  it('a user who is not an admin cannot reset another user’s two-factor (Better Auth says 403)', async () => {
    const response = await post(ada.id, 'disable', bob.cookie)
    expect(response.status).toBe(403)
    expect(await message(response)).toMatch(/Better Auth refused.*not allowed/)
    expect((await betterAuthUser(ada.baUserId))?.twoFactorEnabled).toBe(true)
    expect(await twoFactorRows(ada.baUserId)).toBe(1)
  })

  it('an admin resets another user’s two-factor: their next sign-in has no second step', async () => {
    const response = await post(ada.id, 'disable', root.cookie)
    expect(response.status).toBe(200)
    expect((await betterAuthUser(ada.baUserId))?.twoFactorEnabled).toBe(false)
    expect(await twoFactorRows(ada.baUserId)).toBe(0)
    await mirrored(ada, false)
    const signIn = await app.synced.auth.api.signInEmail({ body: { email: ada.email, password } })
    expect(signIn).not.toHaveProperty('twoFactorRedirect')
    expect(signIn).toMatchObject({ token: expect.any(String) })
    // The admin's own session is untouched.
    expect(String((await me(root.cookie))?.id)).toBe(root.id)
    // A user that does not exist.
    expect((await post('999999', 'disable', root.cookie)).status).toBe(404)
  })

  it('turns off one’s own two-factor with the password', async () => {
    const { totp, ...jar } = await enableFor(bob)
    let cookie = jar.cookie
    const verified = await post(bob.id, 'verify', cookie, { code: await totp() })
    expect(verified.status).toBe(200)
    cookie = cookiesAfter(verified, cookie)
    expect((await betterAuthUser(bob.baUserId))?.twoFactorEnabled).toBe(true)

    expect((await post(bob.id, 'disable', cookie, { password: 'nope-nope-nope' })).status).toBe(400)
    expect((await betterAuthUser(bob.baUserId))?.twoFactorEnabled).toBe(true)
    const disabled = await post(bob.id, 'disable', cookie, { password })
    expect(disabled.status).toBe(200)
    cookie = cookiesAfter(disabled, cookie)
    expect((await betterAuthUser(bob.baUserId))?.twoFactorEnabled).toBe(false)
    expect(await twoFactorRows(bob.baUserId)).toBe(0)
    expect(String((await me(cookie))?.id)).toBe(bob.id)
  })
})

describeEachDatabase('two-factor reset without the two-factor plugin', (kind: DatabaseKind) => {
  let app: SyncedApp
  beforeAll(async () => {
    app = await startSyncedApp(kind)
  })
  afterAll(() => app?.close())

  it('answers 404 with a message that says what to add', async () => {
    const ada = await signUp(app, 'ada@example.com')
    const root = await signUp(app, 'root@example.com')
    await makeAdmin(app.synced, root.baUserId)
    const response = await app.app.rest(`/users/${ada.id}/2fa/disable`, {
      method: 'POST',
      headers: browser(root.cookie),
    })
    expect(response.status).toBe(404)
    const body = (await response.json()) as { errors: Array<{ message: string }> }
    expect(body.errors[0]?.message).toMatch(/no two-factor plugin.*twoFactor\(\)/)
  })
})
