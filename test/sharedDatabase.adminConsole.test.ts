import { randomUUID } from 'node:crypto'
import { base32 } from '@better-auth/utils/base32'
import { createOTP } from '@better-auth/utils/otp'
import type { BetterAuthOptions } from 'better-auth'
import { admin, twoFactor } from 'better-auth/plugins'
import {
  type CollectionConfig,
  type Config,
  type Field,
  type Payload,
  sanitizeConfig,
} from 'payload'
import { betterAuthCollections, payloadAdminConsole } from 'payload-better-auth/adapter'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_BETTER_AUTH_SECRET } from './helpers/betterAuth.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { startSharedApp } from './helpers/sharedApp.ts'

// The admin as Better Auth's console in the shared-database topology: with `payloadAdminConsole()`
// in Better Auth's plugins, `betterAuthCollections` gives the admin the same views and panel as the
// synced plugin does (the user's Better Auth id being the document's own), and the seed-001
// two-factor endpoints work on Better Auth's two-factor plugin: for oneself, and as an admin's
// reset that Better Auth's admin plugin allows and nobody else gets.

const password = 'correct-horse-battery-staple'
const origin = 'http://localhost:3000'

const authOptions = {
  appName: 'Admin console',
  baseURL: origin,
  secret: TEST_BETTER_AUTH_SECRET,
  emailAndPassword: { enabled: true },
  user: { modelName: 'users' },
  advanced: { database: { generateId: 'serial' } },
  logger: { disabled: true },
  plugins: [twoFactor(), admin(), payloadAdminConsole()],
} satisfies BetterAuthOptions

const users: CollectionConfig = { slug: 'users', auth: true, fields: [] }

const totp = (secret: string) =>
  createOTP(base32.decode(secret), { digits: 6, period: 30 }).totp() as Promise<string>

const named = (fields: Field[], name: string) =>
  fields.find((field) => 'name' in field && field.name === name)

describe('betterAuthCollections: when the admin console is on', () => {
  const session = {
    storage: createMemoryStorage(),
    betterAuthSecret: TEST_BETTER_AUTH_SECRET,
  }
  const configOf = (options: Partial<Parameters<typeof betterAuthCollections>[0]>) =>
    betterAuthCollections({ betterAuthOptions: authOptions, session, ...options })({
      collections: [users],
    } as Config) as Config

  it('with payloadAdminConsole() and a session: the views, fields and endpoints', () => {
    const config = configOf({})
    const views = config.admin?.components?.views ?? {}
    expect(Object.keys(views).sort()).toEqual(
      ['betterAuthAccountSecurity', 'forgot', 'login', 'reset'].sort(),
    )
    expect(JSON.stringify(views.login)).toContain('payload-better-auth/rsc#BetterAuthLoginView')
    expect(JSON.stringify(config.admin?.components?.header)).toContain('ImpersonationBanner')
    const collection = config.collections?.find((c) => c.slug === 'users') as CollectionConfig
    const manage = named(collection.fields, 'betterAuthManage')
    expect(JSON.stringify(manage)).toContain('"userIdField":"id"')
    expect(named(collection.fields, 'betterAuthAccountSecurity')).toBeDefined()
    expect(
      (collection.endpoints || []).map((endpoint) => `${endpoint.method} ${endpoint.path}`),
    ).toEqual([
      'post /:id/2fa/enable',
      'post /:id/2fa/verify',
      'post /:id/2fa/disable',
      'post /:id/2fa/backup-codes',
    ])
    expect(JSON.stringify(config.i18n?.translations)).toContain('betterAuth')
  })

  it('off without payloadAdminConsole(), off with adminConsole: false, off without a session', () => {
    const withoutPlugin = { ...authOptions, plugins: [twoFactor(), admin()] }
    for (const config of [
      configOf({ betterAuthOptions: withoutPlugin }),
      configOf({ adminConsole: false }),
      configOf({ session: undefined }),
    ]) {
      expect(config.admin?.components?.views).toBeUndefined()
      const collection = config.collections?.find((c) => c.slug === 'users') as CollectionConfig
      expect(named(collection.fields, 'betterAuthManage')).toBeUndefined()
    }
  })

  it('asked for without the Better Auth plugin: an error that says what to add', () => {
    expect(() =>
      configOf({
        betterAuthOptions: { ...authOptions, plugins: [admin()] },
        adminConsole: { loginView: true },
      }),
    ).toThrow(/add payloadAdminConsole\(\)/)
  })

  it('no URL for Better Auth: an error that names the options', () => {
    expect(() => configOf({ betterAuthOptions: { ...authOptions, baseURL: undefined } })).toThrow(
      /set `baseURL`/,
    )
  })

  it('the config sanitizes, as Payload starts it', async () => {
    const config = await sanitizeConfig({
      ...configOf({}),
      secret: 'x'.repeat(32),
      db: undefined as never,
    })
    expect(config.admin.user).toBe('users')
  })
})

describeEachDatabase('shared database admin console', (kind) => {
  let app: Awaited<ReturnType<typeof startSharedApp<typeof authOptions>>>
  let adminCookie: string

  /** Better Auth's session cookie from a response, as the browser sends it back. */
  const sessionCookie = (response: Response) => {
    const line = response.headers.getSetCookie().find((l) => l.includes('session_token='))
    if (!line) throw new Error(`no session cookie (status ${response.status})`)
    return line.split(';')[0] as string
  }
  const betterAuth = (path: string, body?: object, cookie?: string) =>
    app.auth.handler(
      new Request(`${origin}/api/auth${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', origin, ...(cookie && { cookie }) },
        ...(body && { body: JSON.stringify(body) }),
      }),
    )
  const signUp = async (name: string) => {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`
    const response = await betterAuth('/sign-up/email', { email, password, name })
    expect(response.status).toBe(200)
    const { user } = (await response.json()) as { user: { id: string } }
    return { id: user.id, email, cookie: sessionCookie(response) }
  }
  /** Payload's two-factor endpoint, as the user's browser calls it. */
  const twoFactorCall = (id: string, action: string, cookie: string, body: object = {}) =>
    app.rest(`/users/${id}/2fa/${action}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const row = (payload: Payload, id: string) =>
    payload.findByID({ collection: 'users', id, depth: 0 }) as Promise<Record<string, unknown>>
  const twoFactorRows = async (id: string) =>
    (
      await app.payload.find({
        collection: 'twoFactor',
        where: { userId: { equals: id } },
        depth: 0,
      })
    ).totalDocs

  beforeAll(async () => {
    app = await startSharedApp(kind, { users, authOptions, serve: true })
    const email = `admin-${randomUUID().slice(0, 8)}@example.com`
    await app.auth.api.createUser({ body: { email, password, name: 'Admin', role: 'admin' } })
    const response = await betterAuth('/sign-in/email', { email, password })
    adminCookie = sessionCookie(response)
  }, 60_000)
  afterAll(() => app?.close())

  it('Better Auth serves GET /methods from payloadAdminConsole()', async () => {
    const response = await betterAuth('/methods')
    expect(response.status).toBe(200)
    const methods = ((await response.json()) as Array<{ method: string }>).map((m) => m.method)
    expect(methods).toEqual(['emailAndPassword', 'twoFactor', 'admin'])
  })

  it('a user turns two-factor on and off through /api/users/:id/2fa/*; an admin resets it', async () => {
    const user = await signUp('Tess')
    let cookie = user.cookie
    const enabled = await twoFactorCall(user.id, 'enable', cookie, { password })
    expect(enabled.status).toBe(200)
    const { totpURI, backupCodes } = (await enabled.json()) as {
      totpURI: string
      backupCodes: string[]
    }
    expect(backupCodes.length).toBeGreaterThan(0)
    cookie = enabled.headers.getSetCookie().length ? sessionCookie(enabled) : cookie
    const secret = new URL(totpURI).searchParams.get('secret') as string
    const verified = await twoFactorCall(user.id, 'verify', cookie, { code: await totp(secret) })
    expect(verified.status).toBe(200)
    cookie = verified.headers.getSetCookie().length ? sessionCookie(verified) : cookie
    expect((await row(app.payload, user.id)).twoFactorEnabled).toBe(true)

    // Another user may not reset it, nor do anything else to someone else's two-factor.
    const other = await signUp('Mallory')
    const refused = await twoFactorCall(user.id, 'disable', other.cookie)
    expect(refused.status).toBe(403)
    const enableOther = await twoFactorCall(user.id, 'enable', other.cookie, { password })
    expect(enableOther.status).toBe(403)
    expect((await row(app.payload, user.id)).twoFactorEnabled).toBe(true)
    expect(await twoFactorRows(user.id)).toBe(1)

    // The admin's reset: Better Auth's admin plugin allows it; the flag and the secret go.
    const reset = await twoFactorCall(user.id, 'disable', adminCookie)
    expect(reset.status).toBe(200)
    expect((await row(app.payload, user.id)).twoFactorEnabled).toBe(false)
    expect(await twoFactorRows(user.id)).toBe(0)
  })

  it('signed out, the endpoints answer 401', async () => {
    const user = await signUp('Olga')
    const response = await app.rest(`/users/${user.id}/2fa/enable`, {
      method: 'POST',
      body: JSON.stringify({ password }),
    })
    expect(response.status).toBe(401)
  })
})
