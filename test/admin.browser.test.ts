import { base32 } from '@better-auth/utils/base32'
import { createOTP } from '@better-auth/utils/otp'
import type { Locator, Page } from 'playwright-core'
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

/** The site's sign-in form, from a new address (returned: the session lists it). */
async function siteSignIn(page: Page, who: { email: string; password: string }) {
  const address = `203.0.113.${++addresses}`
  await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': address })
  await page.goto('/sign-in')
  const form = page.getByRole('form', { name: 'Sign in with email and password' })
  await form.getByLabel('Email').fill(who.email)
  await form.getByLabel('Password').fill(who.password)
  await form.getByRole('button', { name: 'Sign in' }).click()
  return address
}

/** The newest mail to `to` whose subject is `subject`, as the mailbox shows it. */
async function newestMail(page: Page, to: string, subject: string) {
  await page.goto('/mailbox')
  return page.getByRole('listitem').filter({ hasText: to }).filter({ hasText: subject }).first()
}

/** The six-digit code of the newest such mail, once it has arrived. */
async function mailedCode(page: Page, to: string, subject: string): Promise<string> {
  let code: string | undefined
  await expect
    .poll(async () => {
      const mail = await newestMail(page, to, subject)
      code = (await mail.count())
        ? /\b(\d{6})\b/.exec((await mail.textContent()) ?? '')?.[1]
        : undefined
      return code
    })
    .toMatch(/^\d{6}$/)
  return code as string
}

/** The link of the newest such mail, once it has arrived. */
async function mailedLink(page: Page, to: string, subject: string): Promise<string> {
  let link: string | null = null
  await expect
    .poll(async () => {
      const mail = await newestMail(page, to, subject)
      link = (await mail.count()) ? await mail.getByRole('link').first().getAttribute('href') : null
      return link
    })
    .toMatch(/^https?:\/\//)
  return link as unknown as string
}

/** A POST to Better Auth from the page, as the site's own scripts make it (its cookies and origin). */
function postFromPage(page: Page, path: string, body: object) {
  return page.evaluate(
    async ([path, body]) => {
      const response = await fetch(`/api/auth${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const data = (await response.json().catch(() => null)) as Record<string, unknown> | null
      return { status: response.status, data }
    },
    [path, body] as const,
  )
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

  step('a code by email, the third factor, signs in after its resend cooldown', async () => {
    await toSecondFactor()
    await admin.getByRole('button', { name: 'Use a code by email' }).click()
    const form = admin.getByRole('form', { name: 'Verify with a code by email' })
    // Sent on choosing the factor; the resend button waits out its cooldown.
    const resend = form.getByRole('button', { name: /Send a new code/ })
    await expect.poll(() => resend.isDisabled()).toBe(true)
    const code = await mailedCode(await newPage(), ADMIN.email, 'Your two-factor code')
    await shot(admin, '02b-two-factor-email-code')
    await form.getByLabel('Code from your email').fill(code)
    await form.getByRole('button', { name: 'Verify' }).click()
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

  step('"Sign out" ends one other session; "sign out all other sessions" the rest', async () => {
    const first = await newPage()
    await signIn(first, ADMIN.email, password)
    await atAdminHome(first)
    const firstAddress = `203.0.113.${addresses}`
    const other = await newPage()
    await signIn(other, ADMIN.email, password)
    await atAdminHome(other)
    await security()
    const region = admin.getByRole('region', { name: 'Sessions and devices' })
    await expect.poll(() => region.getByRole('row').count()).toBeGreaterThanOrEqual(4)
    await shot(admin, '05-sessions')
    const firstRow = region.getByRole('row').filter({ hasText: firstAddress })
    await firstRow.getByRole('button', { name: 'Sign out', exact: true }).click()
    await expect.poll(() => firstRow.count()).toBe(0)
    await first.goto('/admin/collections/posts')
    await first.waitForURL(/\/admin\/login/)
    expect((await me(other))?.email).toBe(ADMIN.email)

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
    await page.goto(await mailedLink(page, ADMIN.email, 'Reset your password'))
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
    const code = await mailedCode(await newPage(), ADMIN.email, 'Your sign-in code')
    await enter.getByLabel('Code from your email').fill(code)
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
    await page.goto(await mailedLink(page, ADMIN.email, 'Your sign-in link'))
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
      await siteSignIn(reader, READER)
      await reader.waitForURL('**/account')
      expect((await me(reader))?.email).toBe(READER.email)
    },
  )

  step("the panel lists the user's sessions and revokes one of them", async () => {
    const second = await newPage()
    const secondAddress = await siteSignIn(second, READER)
    await second.waitForURL('**/account')
    const panel = await openUser(admin, READER.email)
    await panel.getByRole('button', { name: 'Show sessions' }).click()
    const sessions = panel.getByRole('list', { name: 'Sessions' })
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(2)
    await shot(admin, '10-user-sessions')
    await sessions
      .getByRole('listitem')
      .filter({ hasText: secondAddress })
      .getByRole('button', { name: 'Revoke session' })
      .click()
    await panel.getByText('Session revoked.').waitFor()
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1)
    await second.goto('/account')
    await second.getByTestId('signed-out').waitFor()
    expect((await me(reader))?.email).toBe(READER.email)
  })

  step('the panel resets the two-factor of a user who lost their device', async () => {
    // The reader turns two-factor on through Better Auth, as the site would.
    const enabled = await postFromPage(reader, '/two-factor/enable', { password: READER.password })
    const totpURI = String(enabled.data?.totpURI)
    const readerSecret = new URL(totpURI).searchParams.get('secret') as string
    const verified = await postFromPage(reader, '/two-factor/verify-totp', {
      code: await totp(readerSecret),
    })
    expect(verified.status).toBe(200)

    const panel = await openUser(admin, READER.email)
    await panel.getByRole('button', { name: 'Reset two-factor' }).click()
    await panel.getByText('Two-factor authentication was reset.').waitFor()
    await expect.poll(() => panel.getByRole('button', { name: 'Reset two-factor' }).count()).toBe(0)
    // The password alone signs in again.
    const page = await newPage()
    await siteSignIn(page, READER)
    await page.waitForURL('**/account')
    expect((await me(page))?.email).toBe(READER.email)
  })

  step('the panel sets a password, sends a reset link and a verification email', async () => {
    const panel = await openUser(admin, READER.email)
    await panel.getByLabel('New password').fill('reader-new-password-456')
    await panel.getByRole('button', { name: 'Set password' }).click()
    await panel.getByText('Password set.').waitFor()
    const page = await newPage()
    await siteSignIn(page, { email: READER.email, password: 'reader-new-password-456' })
    await page.waitForURL('**/account')

    await panel.getByRole('button', { name: 'Send password reset link' }).click()
    await panel.getByText(`A password reset link was sent to ${READER.email}.`).waitFor()
    const mailbox = await newPage()
    expect(await mailedLink(mailbox, READER.email, 'Reset your password')).toContain(
      '/reset-password/',
    )

    await panel.getByRole('button', { name: 'Resend verification email' }).click()
    await panel.getByRole('status').filter({ hasText: 'a verification link was sent' }).waitFor()
    await mailbox.goto(await mailedLink(mailbox, READER.email, 'Verify your email address'))
    // Verified: the button is gone.
    const again = await openUser(admin, READER.email)
    await again.getByRole('button', { name: 'Ban user' }).waitFor()
    expect(await again.getByRole('button', { name: 'Resend verification email' }).count()).toBe(0)
  })

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

// Each Better Auth plugin behind a control, switched off alone (a demo per state): its controls
// are gone, and every other plugin's are still there.
type Probe = { plugin: string; name: string; find(page: Page): Locator }
const loginProbes: Probe[] = [
  {
    plugin: 'magicLink',
    name: 'magic-link form',
    find: (page) => page.getByRole('form', { name: 'Sign in with a magic link' }),
  },
  {
    plugin: 'emailOTP',
    name: 'email-code form',
    find: (page) => page.getByRole('form', { name: 'Sign in with a code by email' }),
  },
  {
    plugin: 'passkey',
    name: 'passkey button',
    find: (page) => page.getByRole('button', { name: 'Sign in with a passkey' }),
  },
  {
    plugin: 'genericOAuth',
    name: 'Demo OAuth button',
    find: (page) => page.getByRole('button', { name: 'Continue with Demo OAuth' }),
  },
]
const securityProbes: Probe[] = [
  ['twoFactor', 'Two-factor authentication'],
  ['passkey', 'Passkeys'],
  ['genericOAuth', 'Linked accounts'],
].map(([plugin, name]) => ({
  plugin: plugin as string,
  name: name as string,
  find: (page: Page) => page.getByRole('region', { name }),
}))

/** Which probes of `probes` show, once the page has stopped loading. */
async function shown(page: Page, probes: Probe[]): Promise<Record<string, boolean>> {
  await page.waitForLoadState('networkidle')
  return Object.fromEntries(
    await Promise.all(
      probes.map(async (probe) => [probe.name, (await probe.find(page).count()) > 0] as const),
    ),
  )
}
const expected = (probes: Probe[], off: string) =>
  Object.fromEntries(probes.map((probe) => [probe.name, probe.plugin !== off]))

const offStates = ['magicLink', 'emailOTP', 'passkey', 'genericOAuth', 'twoFactor', 'admin']
for (const [index, off] of offStates.entries()) {
  for (const topology of topologies) {
    describeDemoStory(
      `admin console with ${off} off`,
      // Redis databases 1-6: one per state (the SQLite topology has no Redis).
      { topology, redisDb: 1 + index, env: { DEMO_PLUGINS_OFF: off } },
      ({ newPage, step, shot }) => {
        let admin: Page
        step(`the login view shows every method but ${off}'s`, async () => {
          admin = await newPage()
          await createFirstAdmin(admin)
          await signOut(admin)
          await admin.getByRole('form', { name: 'Sign in with email and password' }).waitFor()
          await admin.getByRole('link', { name: 'Forgot password?' }).waitFor()
          expect(await shown(admin, loginProbes)).toEqual(expected(loginProbes, off))
          await shot(admin, '01-login')
        })

        step(`account security shows every section but ${off}'s`, async () => {
          await signIn(admin, ADMIN.email, ADMIN.password)
          await atAdminHome(admin)
          await admin.goto('/admin/account/security')
          await admin.getByRole('region', { name: 'Sessions and devices' }).waitFor()
          await admin.getByRole('region', { name: 'Password' }).waitFor()
          expect(await shown(admin, securityProbes)).toEqual(expected(securityProbes, off))
          await shot(admin, '02-account-security')
        })

        step(
          `a user's document: the panel ${off === 'admin' ? 'is absent' : 'is there'}`,
          async () => {
            const reader = await newPage()
            await siteSignUp(reader, READER)
            // The reader turns two-factor on, so that its reset would show (when it may).
            const { status } = await postFromPage(reader, '/two-factor/enable', {
              password: READER.password,
            })
            expect(status).toBe(off === 'twoFactor' ? 404 : 200)
            const panel = await openUser(admin, READER.email)
            await admin.getByRole('heading', { name: READER.email }).first().waitFor()
            await admin.waitForLoadState('networkidle')
            if (off === 'admin') {
              expect(await panel.count()).toBe(0)
            } else {
              await panel.getByRole('button', { name: 'Ban user' }).waitFor()
              expect(await panel.getByRole('button', { name: 'Impersonate user' }).count()).toBe(1)
            }
            await shot(admin, '03-user-panel')
          },
        )
      },
    )
  }
}
