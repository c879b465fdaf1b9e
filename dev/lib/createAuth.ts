import { DatabaseSync } from 'node:sqlite'
import { passkey } from '@better-auth/passkey'
import { type BetterAuthPlugin, betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { nextCookies } from 'better-auth/next-js'
import {
  admin,
  emailOTP,
  genericOAuth,
  magicLink,
  multiSession,
  twoFactor,
} from 'better-auth/plugins'
import { adminAc, userAc } from 'better-auth/plugins/admin/access'
import type { SanitizedConfig } from 'payload'
import { payloadBetterAuthPlugin } from 'payload-better-auth'
import type { User } from '../payload-types.ts'
import { betterAuthDbPath, betterAuthSecret, reconcileToken, serverURL } from './env.ts'
import { eventBus } from './eventBus.ts'
import {
  DEMO_OAUTH_CLIENT_ID,
  DEMO_OAUTH_CLIENT_SECRET,
  DEMO_OAUTH_NAME,
  DEMO_OAUTH_PROVIDER_ID,
  demoOAuthEndpoints,
} from './fakeOAuth.ts'
import { sendMail } from './mailbox.ts'
import { storage } from './syncAdapter.ts'

const appName = 'payload-better-auth demo'

const otpSubjects = {
  'sign-in': 'Your sign-in code',
  'email-verification': 'Your verification code',
  'forget-password': 'Your password reset code',
  'change-email': 'Your email change code',
} as const

/**
 * The plugins the admin's controls stand for, each switched off by naming it in DEMO_PLUGINS_OFF
 * (a comma list: admin, magicLink, twoFactor, passkey, emailOTP, multiSession, genericOAuth), so
 * the browser tests can show that a control is absent when its plugin is.
 */
const pluginsOff = new Set(
  (process.env.DEMO_PLUGINS_OFF ?? '').split(',').map((name) => name.trim()),
)

function optionalPlugins() {
  const plugins = {
    // `editor`: may open /admin (dev/collections/Users.ts), with a user's rights in Better Auth.
    admin: () => admin({ roles: { admin: adminAc, user: userAc, editor: userAc } }),
    magicLink: () =>
      magicLink({
        sendMagicLink: async ({ email, url }) =>
          sendMail({
            to: email,
            subject: 'Your sign-in link',
            text: 'Sign in with this link:',
            url,
          }),
      }),
    // Second factors: an authenticator app (TOTP), a code by email (to the mailbox), backup codes.
    twoFactor: () =>
      twoFactor({
        otpOptions: {
          sendOTP: ({ user, otp }) =>
            sendMail({
              to: user.email,
              subject: 'Your two-factor code',
              text: `Your two-factor code is ${otp}.`,
              url: '',
            }),
        },
      }),
    passkey: () =>
      passkey({ rpID: new URL(serverURL).hostname, rpName: appName, origin: serverURL }),
    emailOTP: () =>
      emailOTP({
        sendVerificationOTP: async ({ email, otp, type }) =>
          sendMail({
            to: email,
            subject: otpSubjects[type],
            text: `Your code is ${otp}.`,
            url: '',
          }),
      }),
    multiSession: () => multiSession(),
    // A social button without a real provider: "Demo OAuth", served by the demo itself
    // (lib/fakeOAuth.ts, app/(site)/fake-oauth/*). Its client id and secret are demo-only.
    genericOAuth: () =>
      genericOAuth({
        config: [
          {
            providerId: DEMO_OAUTH_PROVIDER_ID,
            name: DEMO_OAUTH_NAME,
            clientId: DEMO_OAUTH_CLIENT_ID,
            clientSecret: DEMO_OAUTH_CLIENT_SECRET,
            ...demoOAuthEndpoints,
            scopes: ['profile', 'email'],
            pkce: true,
          },
        ],
      }),
  } satisfies Record<string, () => BetterAuthPlugin>
  return Object.entries(plugins)
    .filter(([name]) => !pluginsOff.has(name))
    .map(([, plugin]) => plugin())
}

/**
 * The demo's Better Auth. `inNext`: inside the Next.js app (its server actions set cookies through
 * `nextCookies`); false in the separate Better Auth service (auth-service/server.ts).
 */
export function createAuth(
  config: Promise<SanitizedConfig> | SanitizedConfig,
  { inNext }: { inNext: boolean },
) {
  const database = new DatabaseSync(betterAuthDbPath)
  // Read on the same connection, not through Better Auth's adapter: sign-up holds the adapter's
  // only connection in a transaction while this hook runs, so a second query there would wait
  // for ever.
  const countUsers = () => database.prepare('SELECT count(*) AS n FROM user').get() as { n: number }
  return betterAuth({
    appName,
    baseURL: serverURL,
    secret: betterAuthSecret,
    database,
    // `npm run bench` calls get-session from the app servers' one address thousands of times a
    // second (the comparison with other integrations); Better Auth's limit would refuse them.
    ...(process.env.DEMO_BENCH_COMPARISONS === '1' ? { rateLimit: { enabled: false } } : {}),
    emailVerification: {
      sendVerificationEmail: async ({ user, url }) =>
        sendMail({
          to: user.email,
          subject: 'Verify your email address',
          text: 'Confirm this address:',
          url,
        }),
    },
    emailAndPassword: {
      enabled: true,
      sendResetPassword: async ({ user, url }) =>
        sendMail({
          to: user.email,
          subject: 'Reset your password',
          text: 'Choose a new password:',
          url,
        }),
    },
    databaseHooks: {
      user: {
        create: {
          // The demo's rule: the first user is the admin (the one who may open /admin). Later
          // users keep the role they were created with: `user` on sign-up (a sign-up cannot set
          // it), or what an admin chose on "Create New" in /admin.
          before: async (user) => {
            const { n } = countUsers()
            const role = n === 0 ? 'admin' : ((user as { role?: string }).role ?? 'user')
            return { data: { ...user, role } }
          },
        },
      },
    },
    // Without the admin plugin the role is a field of the demo's own, which no request sets.
    ...(pluginsOff.has('admin') && {
      user: {
        additionalFields: { role: { type: 'string', input: false, defaultValue: 'user' } },
      },
    }),
    plugins: [
      ...optionalPlugins(),
      payloadBetterAuthPlugin<User>({
        payloadConfig: config,
        token: reconcileToken,
        enableLogging: process.env.NODE_ENV === 'development',
        storage,
        eventBus,
        mapUserToPayload: (user) => ({
          email: user.email,
          name: typeof user.name === 'string' ? user.name : '',
          role: (user as { role?: unknown }).role === 'admin' ? 'admin' : 'user',
        }),
        // The way back: an admin's edit of these fields in /admin is carried out by Better Auth
        // (its admin plugin decides who may), so the next reconcile keeps it.
        mapPayloadToUser: (data) => ({
          ...(data.email !== undefined && { email: data.email }),
          ...(data.name !== undefined && { name: data.name ?? '' }),
          ...(data.role !== undefined && { role: data.role ?? 'user' }),
        }),
        // Invited users are `user`s, who use the site; /admin would only turn them away.
        invitationCallbackURL: '/account',
      }),
      // Last: lets server actions set Better Auth's cookies.
      ...(inNext ? [nextCookies()] : []),
    ],
  })
}

export type Auth = ReturnType<typeof createAuth>

/** An instance with its tables created (or brought up to date). */
export async function createMigratedAuth(...args: Parameters<typeof createAuth>): Promise<Auth> {
  const auth = createAuth(...args)
  await (await getMigrations(auth.options)).runMigrations()
  return auth
}
