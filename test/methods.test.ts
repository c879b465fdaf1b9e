import { DatabaseSync } from 'node:sqlite'
import { passkey } from '@better-auth/passkey'
import { type BetterAuthOptions, type BetterAuthPlugin, betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import {
  admin,
  emailOTP,
  genericOAuth,
  magicLink,
  multiSession,
  twoFactor,
  username,
} from 'better-auth/plugins'
import type { SanitizedConfig } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { describe, expect, it } from 'vitest'
import { payloadBetterAuthPlugin } from '../src/index.ts'
import type { AuthMethod } from '../src/shared/methods.ts'
import { TEST_BETTER_AUTH_SECRET, TEST_SYNC_SECRET } from './helpers/betterAuth.ts'

// `GET /methods` lists what a real Better Auth accepts and offers, from its resolved options: each
// method or capability when its plugin (or option) is on, and nothing when it is off.

const send = async () => {}

/** A real Better Auth with the sync plugin (never reaching Payload here); its `GET /methods`. */
async function methodsOf(
  options: Partial<BetterAuthOptions>,
  plugins: BetterAuthPlugin[] = [],
): Promise<AuthMethod[]> {
  const auth = betterAuth({
    baseURL: 'http://localhost:3000',
    secret: TEST_BETTER_AUTH_SECRET,
    database: new DatabaseSync(':memory:'),
    logger: { disabled: true },
    ...options,
    plugins: [
      ...plugins,
      payloadBetterAuthPlugin({
        payloadConfig: {} as SanitizedConfig,
        getPayload: () => Promise.reject(new Error('no Payload in this test')),
        token: undefined,
        storage: createMemoryStorage(),
        eventBus: createMemoryEventBus(),
        syncSecret: TEST_SYNC_SECRET,
        mapUserToPayload: (user) => ({ email: user.email }),
      }),
    ],
  })
  await (await getMigrations(auth.options)).runMigrations()
  const response = await auth.handler(new Request('http://localhost:3000/api/auth/methods'))
  expect(response.status).toBe(200)
  return (await response.json()) as AuthMethod[]
}

const names = (methods: AuthMethod[]) => methods.map((m) => m.method)

describe('GET /methods', () => {
  it('email and password with a magic link: the manual printed output', async () => {
    expect(
      await methodsOf({ emailAndPassword: { enabled: true } }, [
        magicLink({ sendMagicLink: send }),
      ]),
    ).toEqual([
      { method: 'emailAndPassword', options: { minPasswordLength: 8 } },
      { method: 'magicLink' },
    ])
  })

  it('every method and capability, when each is on', async () => {
    const methods = await methodsOf(
      {
        emailAndPassword: { enabled: true, minPasswordLength: 12, sendResetPassword: send },
        emailVerification: { sendVerificationEmail: send },
        socialProviders: { github: { clientId: 'id', clientSecret: 'secret' } },
      },
      [
        username(),
        magicLink({ sendMagicLink: send }),
        emailOTP({ sendVerificationOTP: send }),
        passkey(),
        genericOAuth({
          config: [
            {
              providerId: 'acme',
              name: 'Acme SSO',
              clientId: 'id',
              clientSecret: 'secret',
              authorizationUrl: 'https://acme.example/authorize',
              tokenUrl: 'https://acme.example/token',
            },
            {
              providerId: 'corp',
              clientId: 'id',
              clientSecret: 'secret',
              authorizationUrl: 'https://corp.example/authorize',
              tokenUrl: 'https://corp.example/token',
            },
          ],
        }),
        twoFactor({ otpOptions: { sendOTP: send } }),
        multiSession(),
        admin(),
      ],
    )
    expect(methods).toEqual([
      { method: 'emailAndPassword', options: { minPasswordLength: 12 } },
      { method: 'forgotPassword' },
      { method: 'username' },
      { method: 'emailVerification' },
      { method: 'magicLink' },
      { method: 'emailOTP' },
      { method: 'passkey' },
      {
        method: 'social',
        options: {
          providers: ['github'],
          genericOAuth: ['acme', 'corp'],
          names: { acme: 'Acme SSO' },
        },
      },
      { method: 'twoFactor', options: { totp: true, otp: true, backupCodes: true } },
      { method: 'multiSession' },
      { method: 'admin', options: { roles: ['admin', 'user'], adminRoles: ['admin'] } },
    ])
  })

  it('lists nothing that is off', async () => {
    const methods = await methodsOf({ emailAndPassword: { enabled: false } }, [
      // Without email and password, the username plugin offers no way in.
      username(),
    ])
    expect(methods).toEqual([])
  })

  it('forgot password only with sendResetPassword', async () => {
    expect(names(await methodsOf({ emailAndPassword: { enabled: true } }))).toEqual([
      'emailAndPassword',
    ])
    expect(
      names(await methodsOf({ emailAndPassword: { enabled: true, sendResetPassword: send } })),
    ).toEqual(['emailAndPassword', 'forgotPassword'])
  })

  it('email verification only with sendVerificationEmail', async () => {
    expect(names(await methodsOf({ emailVerification: { sendOnSignUp: true } }))).toEqual([])
    expect(names(await methodsOf({ emailVerification: { sendVerificationEmail: send } }))).toEqual([
      'emailVerification',
    ])
  })

  it('social providers alone, and generic OAuth alone', async () => {
    expect(
      await methodsOf({
        socialProviders: {
          google: { clientId: 'id', clientSecret: 'secret' },
          gitlab: { clientId: 'id', clientSecret: 'secret', enabled: false },
        },
      }),
    ).toEqual([{ method: 'social', options: { providers: ['google'] } }])
    expect(
      await methodsOf({}, [
        genericOAuth({
          config: [
            {
              providerId: 'acme',
              clientId: 'id',
              clientSecret: 'secret',
              authorizationUrl: 'https://acme.example/authorize',
              tokenUrl: 'https://acme.example/token',
            },
          ],
        }),
      ]),
    ).toEqual([{ method: 'social', options: { providers: [], genericOAuth: ['acme'] } }])
  })

  it('two-factor: the factors its options turn on (backup codes always)', async () => {
    expect(await methodsOf({}, [twoFactor()])).toEqual([
      { method: 'twoFactor', options: { totp: true, otp: false, backupCodes: true } },
    ])
    expect(
      await methodsOf({}, [
        twoFactor({ totpOptions: { disable: true }, otpOptions: { sendOTP: send } }),
      ]),
    ).toEqual([{ method: 'twoFactor', options: { totp: false, otp: true, backupCodes: true } }])
  })

  it("admin: the app's roles and admin roles", async () => {
    const { createAccessControl } = await import('better-auth/plugins/access')
    const ac = createAccessControl({ post: ['read', 'write'] })
    const roles = {
      owner: ac.newRole({ post: ['read', 'write'] }),
      editor: ac.newRole({ post: ['write'] }),
      viewer: ac.newRole({ post: ['read'] }),
    }
    expect(await methodsOf({}, [admin({ ac, roles, adminRoles: ['owner', 'editor'] })])).toEqual([
      {
        method: 'admin',
        options: { roles: ['owner', 'editor', 'viewer'], adminRoles: ['owner', 'editor'] },
      },
    ])
  })

  it('each plugin alone lists only its entry', async () => {
    const cases: Array<[BetterAuthPlugin, string]> = [
      [magicLink({ sendMagicLink: send }), 'magicLink'],
      [emailOTP({ sendVerificationOTP: send }), 'emailOTP'],
      [passkey(), 'passkey'],
      [multiSession(), 'multiSession'],
      [twoFactor(), 'twoFactor'],
      [admin(), 'admin'],
    ]
    for (const [plugin, name] of cases) {
      expect(names(await methodsOf({}, [plugin]))).toEqual([name])
    }
  })
})
