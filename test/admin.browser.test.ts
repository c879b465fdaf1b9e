import { base32 } from '@better-auth/utils/base32'
import { createOTP } from '@better-auth/utils/otp'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { describeDemoStory, type Story, topologies } from './helpers/demoStory.ts'

// The admin as Better Auth's console, in Chromium on the built demo: an admin turns two-factor on
// from the account-security view and signs in with a code and with backup codes, registers a
// passkey (Chromium's virtual authenticator) and signs in with it alone, signs another browser out,
// resets a forgotten password from the admin's own views, and manages other users (role, ban,
// impersonation with its banner). A second demo, its plugins off, shows none of those controls.

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-battery' }
const READER = { name: 'Rea Reader', email: 'rea@example.com', password: 'reader-password-123' }
const EDITOR = { name: 'Ed Editor', email: 'ed@example.com', password: 'editor-password-123' }

const totp = (secret: string) =>
  createOTP(base32.decode(secret), { digits: 6, period: 30 }).totp() as Promise<string>

let addresses = 0
/**
 * The admin login form, filled and sent, from a new address: Better Auth limits sign-ins per
 * address in production (3 in 10 s), and this story signs in more often than that.
 */
async function signIn(page: Page, email: string, password: string) {
  await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': `203.0.113.${++addresses}` })
  await page.goto('/admin/login')
  const form = page.getByRole('form', { name: 'Sign in with email and password' })
  await form.getByLabel('Email').fill(email)
  await form.getByLabel('Password').fill(password)
  await form.getByRole('button', { name: 'Sign in' }).click()
}

async function signOut(page: Page) {
  await page.goto('/admin/logout')
  await page.waitForURL(/\/admin\/login/)
}

const atAdminHome = (page: Page) => page.waitForURL((url) => url.pathname === '/admin')

/** The first user, made on the admin's login view of an empty database: the demo's admin. */
async function createFirstAdmin(page: Page) {
  await page.goto('/admin')
  await page.getByRole('heading', { name: 'Create the first user' }).waitFor()
  await page.getByLabel('Name').fill(ADMIN.name)
  await page.getByLabel('Email').fill(ADMIN.email)
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Create user' }).click()
  await atAdminHome(page)
}

/** The site's sign-up form: a public visitor becomes a Better Auth user (role `user`). */
async function siteSignUp(page: Page, who: { name: string; email: string; password: string }) {
  await page.goto('/sign-up')
  await page.getByLabel('Name').fill(who.name)
  await page.getByLabel('Email').fill(who.email)
  await page.getByLabel('Password').fill(who.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL('**/account')
}

/** A user's document in the admin, opened from the users list. */
async function openUser(page: Page, email: string) {
  await page.goto('/admin/collections/users')
  await page.getByRole('link', { name: email }).first().click()
  await page.waitForURL(/\/admin\/collections\/users\/\w+/)
  return page.getByRole('region', { name: 'Better Auth' })
}

function consoleStory(story: Story) {
  const { newPage, step, shot, me } = story
  let admin: Page
  let password = ADMIN.password
  let secret = ''
  let backupCodes: string[] = []

  const security = async () => {
    await admin.goto('/admin/account/security')
    await admin.getByRole('heading', { name: 'Account security', level: 1 }).waitFor()
  }
  const twoFactorRegion = () => admin.getByRole('region', { name: 'Two-factor authentication' })
  const readBackupCodes = async () => {
    const list = admin.getByRole('list', { name: 'Your backup codes' })
    await list.waitFor()
    const codes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim())
    expect(codes.length).toBeGreaterThanOrEqual(5)
    await twoFactorRegion().getByRole('button', { name: 'Done' }).click()
    return codes
  }
  /** Signs in with the password and stops at the second-factor step. */
  const toSecondFactor = async () => {
    await signOut(admin)
    await signIn(admin, ADMIN.email, password)
    await admin.getByRole('heading', { name: 'Two-factor authentication' }).waitFor()
    expect(await me(admin)).toBeNull()
  }
  const withBackupCode = async (code: string) => {
    await admin.getByRole('button', { name: 'Use a backup code' }).click()
    const form = admin.getByRole('form', { name: 'Verify with a backup code' })
    await form.getByLabel('Backup code').fill(code)
    await form.getByRole('button', { name: 'Verify' }).click()
  }

  step('the first admin is created on the login view', async () => {
    admin = await newPage()
    await createFirstAdmin(admin)
    expect((await me(admin))?.email).toBe(ADMIN.email)
  })

  step('the account page links to account security, which shows every section', async () => {
    await admin.goto('/admin/account')
    await admin.getByRole('link', { name: 'Account security' }).click()
    await admin.waitForURL('**/admin/account/security')
    for (const name of [
      'Password',
      'Two-factor authentication',
      'Passkeys',
      'Sessions and devices',
      'Linked accounts',
    ]) {
      await admin.getByRole('region', { name }).waitFor()
    }
    await shot(admin, '01-account-security')
  })

  step('two-factor is turned on from the view, with a QR code drawn locally', async () => {
    await security()
    const region = twoFactorRegion()
    await region.getByLabel('Your password').fill(password)
    await region.getByRole('button', { name: 'Enable two-factor authentication' }).click()
    await region.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor()
    // Drawn in the page (an inline SVG or data URL), never fetched from a third party.
    const qr = await region.getByRole('img', { name: 'QR code for your authenticator app' })
    const source = (await qr.getAttribute('src')) ?? ''
    expect(source === '' || source.startsWith('data:')).toBe(true)
    secret = ((await admin.getByTestId('better-auth-totp-secret').textContent()) ?? '').trim()
    expect(secret).toMatch(/^[A-Z2-7]+=*$/)
    await shot(admin, '02-two-factor-qr')
    await region.getByLabel('Code from your authenticator app').fill(await totp(secret))
    await region.getByRole('button', { name: 'Verify code' }).click()
    await region.getByText('Two-factor authentication is now on.').waitFor()
    backupCodes = await readBackupCodes()
    await shot(admin, '03-two-factor-on')
  })

  step('signing in then asks for the code, and a TOTP code finishes it', async () => {
    await toSecondFactor()
    const form = admin.getByRole('form', { name: 'Verify with your authenticator app' })
    await form.getByLabel('Code from your authenticator app').fill('000000')
    await form.getByRole('button', { name: 'Verify' }).click()
    await admin.locator('.better-auth-login').getByRole('alert').waitFor()
    await form.getByLabel('Code from your authenticator app').fill(await totp(secret))
    await form.getByRole('button', { name: 'Verify' }).click()
    await atAdminHome(admin)
    expect((await me(admin))?.email).toBe(ADMIN.email)
  })

  step('a backup code signs in too', async () => {
    await toSecondFactor()
    await withBackupCode(backupCodes[0] as string)
    await atAdminHome(admin)
    expect((await me(admin))?.email).toBe(ADMIN.email)
  })

  step('regenerated backup codes invalidate the old ones', async () => {
    await security()
    const region = twoFactorRegion()
    await region.getByLabel('Your password').fill(password)
    await region.getByRole('button', { name: 'Generate new backup codes' }).click()
    const fresh = await readBackupCodes()
    expect(fresh).not.toContain(backupCodes[1])
    await toSecondFactor()
    await withBackupCode(backupCodes[1] as string)
    await admin.locator('.better-auth-login').getByRole('alert').waitFor()
    const form = admin.getByRole('form', { name: 'Verify with a backup code' })
    await form.getByLabel('Backup code').fill(fresh[0] as string)
    await form.getByRole('button', { name: 'Verify' }).click()
    await atAdminHome(admin)
  })

  step('two-factor is turned off: the password alone signs in again', async () => {
    await security()
    const region = twoFactorRegion()
    await region.getByLabel('Your password').fill(password)
    await region.getByRole('button', { name: 'Disable two-factor authentication' }).click()
    await region.getByText('Two-factor authentication is off.').waitFor()
    await signOut(admin)
    await signIn(admin, ADMIN.email, password)
    await atAdminHome(admin)
  })

  step('a passkey from the virtual authenticator signs in with no password', async () => {
    const cdp = await admin.context().newCDPSession(admin)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })
    await security()
    const region = admin.getByRole('region', { name: 'Passkeys' })
    await region.getByLabel('Passkey name').fill('Laptop')
    await region.getByRole('button', { name: 'Add a passkey' }).click()
    await region.getByText('Passkey added.').waitFor()
    await region.getByRole('listitem', { name: 'Laptop' }).waitFor()
    await shot(admin, '04-passkey-added')

    await signOut(admin)
    // The login view offers the passkey through the browser's autofill as soon as it shows; the
    // virtual authenticator (user presence simulated) answers it at once. Else: the button.
    const autofilled = await admin
      .waitForURL((url) => url.pathname === '/admin', { timeout: 5_000 })
      .then(
        () => true,
        () => false,
      )
    if (!autofilled) await admin.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await atAdminHome(admin)
    expect((await me(admin))?.email).toBe(ADMIN.email)
  })

  step('a removed passkey no longer signs in', async () => {
    await security()
    const region = admin.getByRole('region', { name: 'Passkeys' })
    admin.once('dialog', (dialog) => void dialog.accept())
    await region
      .getByRole('listitem', { name: 'Laptop' })
      .getByRole('button', { name: 'Remove' })
      .click()
    await expect.poll(() => region.getByRole('listitem', { name: 'Laptop' }).count()).toBe(0)
    await signOut(admin)
    // Neither the autofill nor the button gets in with a credential Better Auth has forgotten.
    await admin.waitForTimeout(3_000)
    expect(new URL(admin.url()).pathname).toBe('/admin/login')
    const button = admin.getByRole('button', { name: 'Sign in with a passkey' })
    await expect.poll(() => button.isEnabled()).toBe(true)
    await button.click()
    await admin.locator('.better-auth-login').getByRole('alert').waitFor()
    expect(await me(admin)).toBeNull()
    await signIn(admin, ADMIN.email, password)
    await atAdminHome(admin)
  })

  step('"sign out all other sessions" sends the other browser to the login view', async () => {
    const other = await newPage()
    await signIn(other, ADMIN.email, password)
    await atAdminHome(other)
    await security()
    const region = admin.getByRole('region', { name: 'Sessions and devices' })
    await expect.poll(() => region.getByRole('row').count()).toBeGreaterThanOrEqual(3)
    await shot(admin, '05-sessions')
    await region.getByRole('button', { name: 'Sign out all other sessions' }).click()
    await expect
      .poll(() => region.getByRole('button', { name: 'Sign out', exact: true }).count())
      .toBe(0)
    await other.goto('/admin/collections/posts')
    await other.waitForURL(/\/admin\/login/)
    expect((await me(admin))?.email).toBe(ADMIN.email)
  })

  step('a forgotten password is reset from the admin, through the mailbox', async () => {
    const page = await newPage()
    await page.goto('/admin/login')
    await page.getByRole('link', { name: 'Forgot password?' }).click()
    await page.waitForURL('**/admin/forgot')
    const form = page.getByRole('form', { name: 'Request a password reset' })
    await form.getByLabel('Email').fill(ADMIN.email)
    await form.getByRole('button', { name: 'Send reset link' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    await page.goto('/mailbox')
    const mail = page.getByRole('listitem').filter({ hasText: 'Reset your password' })
    const link = await mail.first().getByRole('link').getAttribute('href')
    await page.goto(link as string)
    await page.waitForURL(/\/admin\/reset\?token=/)
    const reset = page.getByRole('form', { name: 'Reset your password' })
    await reset.getByLabel('New password').fill('a-brand-new-admin-password')
    await reset.getByLabel('Repeat the password').fill('a-brand-new-admin-password')
    await reset.getByRole('button', { name: 'Change password' }).click()
    await page.waitForURL(/\/admin\/login\?reset=done/)
    await shot(page, '06-password-reset')
    await signIn(page, ADMIN.email, password)
    await page.locator('.better-auth-login').getByRole('alert').waitFor()
    password = 'a-brand-new-admin-password'
    await signIn(page, ADMIN.email, password)
    await atAdminHome(page)
    admin = page
  })

  /** The newest mail to `to` whose subject is `subject`, as the mailbox shows it. */
  const newestMail = async (page: Page, to: string, subject: string) => {
    await page.goto('/mailbox')
    return page.getByRole('listitem').filter({ hasText: to }).filter({ hasText: subject }).first()
  }

  step('the login view signs in with a code by email', async () => {
    const page = await newPage()
    await page.goto('/admin/login')
    const form = page.getByRole('form', { name: 'Sign in with a code by email' })
    await form.getByLabel('Email for a sign-in code').fill(ADMIN.email)
    await form.getByRole('button', { name: 'Email me a sign-in code' }).click()
    const enter = page.getByRole('form', { name: 'Enter the code from your email' })
    await enter.waitFor()
    // The resend button waits out its cooldown.
    expect(await enter.getByRole('button', { name: /Send a new code/ }).isDisabled()).toBe(true)
    const mailbox = await newPage()
    const mail = await newestMail(mailbox, ADMIN.email, 'Your sign-in code')
    const code = /\b(\d{6})\b/.exec((await mail.textContent()) ?? '')?.[1]
    expect(code).toMatch(/^\d{6}$/)
    await enter.getByLabel('Code from your email').fill(code as string)
    await enter.getByRole('button', { name: 'Sign in', exact: true }).click()
    await atAdminHome(page)
    expect((await me(page))?.email).toBe(ADMIN.email)
    // The code proved the address, which was unverified until now: Better Auth ends every other
    // session of the account (an unverified account's sessions may be someone else's).
    await admin.goto('/admin/collections/posts')
    await admin.waitForURL(/\/admin\/login/)
    admin = page
  })

  step('the login view sends a magic link that signs in', async () => {
    const page = await newPage()
    await page.goto('/admin/login')
    const form = page.getByRole('form', { name: 'Sign in with a magic link' })
    await form.getByLabel('Email for a sign-in link').fill(ADMIN.email)
    await form.getByRole('button', { name: 'Email me a sign-in link' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    const mail = await newestMail(page, ADMIN.email, 'Your sign-in link')
    const link = await mail.getByRole('link').getAttribute('href')
    await page.goto(link as string)
    await atAdminHome(page)
    expect((await me(page))?.email).toBe(ADMIN.email)
  })

  step('the login view has a button for the demo OAuth provider, which leads to it', async () => {
    const page = await newPage()
    await page.goto('/admin/login')
    await page.getByRole('button', { name: 'Continue with Demo OAuth' }).click()
    await page.waitForURL(/\/fake-oauth\/authorize/)
    await shot(page, '09-demo-oauth-authorize')
  })

  let reader: Page
  step(
    'an admin bans a user, whose open tab is signed out at its next request; unban',
    async () => {
      reader = await newPage()
      await siteSignUp(reader, READER)
      const panel = await openUser(admin, READER.email)
      await panel.getByLabel('Ban reason').fill('Spam')
      await panel.getByRole('button', { name: 'Ban user' }).click()
      await panel.getByRole('status').waitFor()
      await shot(admin, '07-user-banned')
      await reader.goto('/account')
      await reader.getByTestId('signed-out').waitFor()
      expect(await me(reader)).toBeNull()

      await panel.getByRole('button', { name: 'Unban user' }).click()
      await panel.getByRole('button', { name: 'Ban user' }).waitFor()
      await reader.goto('/sign-in')
      const form = reader.getByRole('form', { name: 'Sign in with email and password' })
      await form.getByLabel('Email').fill(READER.email)
      await form.getByLabel('Password').fill(READER.password)
      await form.getByRole('button', { name: 'Sign in' }).click()
      await reader.waitForURL('**/account')
      expect((await me(reader))?.email).toBe(READER.email)
    },
  )

  step(
    'an admin impersonates an editor: a banner on every page, access as the editor',
    async () => {
      const editor = await newPage()
      await siteSignUp(editor, EDITOR)
      let panel = await openUser(admin, EDITOR.email)
      await panel.getByLabel('Role').selectOption('editor')
      await panel.getByRole('button', { name: 'Save role' }).click()
      await panel.getByRole('status').waitFor()

      panel = await openUser(admin, EDITOR.email)
      await panel.getByRole('button', { name: 'Impersonate user' }).click()
      await atAdminHome(admin)
      const banner = admin
        .getByRole('status')
        .filter({ hasText: `You are impersonating ${EDITOR.email}` })
      await banner.waitFor()
      expect((await me(admin))?.email).toBe(EDITOR.email)
      await shot(admin, '08-impersonating')
      // Payload decides as the editor: the users list holds the editor alone.
      await admin.goto('/admin/collections/users')
      await banner.waitFor()
      await admin.getByRole('link', { name: EDITOR.email }).first().waitFor()
      expect(await admin.getByRole('link', { name: ADMIN.email }).count()).toBe(0)
      // A non-admin's own document: the account-security link, no user management.
      await admin.goto('/admin/account')
      await banner.waitFor()
      await admin.getByRole('link', { name: 'Account security' }).waitFor()
      expect(await admin.getByRole('region', { name: 'Better Auth' }).count()).toBe(0)

      await banner.getByRole('button', { name: 'Stop impersonating' }).click()
      await expect.poll(async () => (await me(admin))?.email).toBe(ADMIN.email)
      await admin.goto('/admin')
      expect(await admin.getByText('You are impersonating').count()).toBe(0)
    },
  )
}

for (const [index, topology] of topologies.entries()) {
  describeDemoStory('admin console in Chromium', { topology, redisDb: 10 + index }, consoleStory)
}

// One demo with every optional plugin off: none of their controls may show.
describeDemoStory(
  'admin console with its plugins off',
  {
    topology: topologies[0] as (typeof topologies)[number],
    redisDb: 12,
    env: { DEMO_PLUGINS_OFF: 'magicLink,twoFactor,passkey,emailOTP,multiSession,genericOAuth' },
  },
  ({ newPage, step, shot }) => {
    let admin: Page
    step('the login view offers the password alone', async () => {
      admin = await newPage()
      await createFirstAdmin(admin)
      await signOut(admin)
      await admin.getByRole('form', { name: 'Sign in with email and password' }).waitFor()
      await admin.getByRole('link', { name: 'Forgot password?' }).waitFor()
      for (const absent of [
        admin.getByRole('form', { name: 'Sign in with a magic link' }),
        admin.getByRole('form', { name: 'Sign in with a code by email' }),
        admin.getByRole('button', { name: 'Sign in with a passkey' }),
        admin.getByRole('button', { name: 'Continue with Demo OAuth' }),
      ]) {
        expect(await absent.count()).toBe(0)
      }
      await shot(admin, '01-login-plugins-off')
    })

    step('account security shows no two-factor, passkey or linked-account section', async () => {
      await signIn(admin, ADMIN.email, ADMIN.password)
      await atAdminHome(admin)
      await admin.goto('/admin/account/security')
      await admin.getByRole('region', { name: 'Sessions and devices' }).waitFor()
      await admin.getByRole('region', { name: 'Password' }).waitFor()
      for (const name of ['Two-factor authentication', 'Passkeys', 'Linked accounts']) {
        expect(await admin.getByRole('region', { name }).count()).toBe(0)
      }
      await shot(admin, '02-account-security-plugins-off')
    })

    step("a user's document offers no two-factor reset", async () => {
      const reader = await newPage()
      await siteSignUp(reader, READER)
      const panel = await openUser(admin, READER.email)
      await panel.getByRole('button', { name: 'Ban user' }).waitFor()
      expect(await panel.getByRole('button', { name: 'Reset two-factor' }).count()).toBe(0)
    })
  },
)
