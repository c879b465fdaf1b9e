import { base32 } from '@better-auth/utils/base32'
import { createOTP } from '@better-auth/utils/otp'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { launchChromium, screenshot } from './helpers/browser.ts'
import { type DemoServer, startDemo } from './helpers/demoApp.ts'
import {
  buildOnce,
  describeBrowser,
  describeDemoStory,
  STEP_TIMEOUT,
  topologies,
} from './helpers/demoStory.ts'

// The demo app in a real browser, built and started as in production, once on the embedded
// defaults (SQLite files, SQLite storage and polling bus) and once on PostgreSQL + Redis. Each
// topology runs the same story in order: first admin, site sign-up, access control, admin
// sign-out, admin sign-in, two-factor step, magic link, password reset, then users managed from
// /admin through Better Auth: "Create New" with an invitation, rename and role change kept by a
// full reconcile, a ban that signs an open admin tab out. DEMO_MAILBOX=1 serves /mailbox in
// production; the last server, started without it, shows it is not served by default.

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-battery' }
const READER = { name: 'Rea Reader', email: 'rea@example.com', password: 'reader-password-123' }
/** Made by the admin with "Create New" (no password: invited by magic link), renamed later. */
const CURATOR = { name: 'Cleo Curator', email: 'cleo@example.com', renamed: 'Cleo Keeper' }

for (const [index, topology] of topologies.entries()) {
  describeDemoStory('demo app in Chromium', { topology, redisDb: 9 - index }, (story) => {
    const { newPage, step, shot, me } = story
    let adminPage: Page
    let readerPage: Page

    step(
      'creates the first admin through the Better Auth login view on an empty database',
      async () => {
        adminPage = await newPage()
        await adminPage.goto('/admin')
        await adminPage.waitForURL(/\/admin\/login/)
        await adminPage.getByRole('heading', { name: 'Create the first user' }).waitFor()
        await shot(adminPage, '01-first-user-form')
        await adminPage.getByLabel('Name').fill(ADMIN.name)
        await adminPage.getByLabel('Email').fill(ADMIN.email)
        await adminPage.getByLabel('Password').fill(ADMIN.password)
        await adminPage.getByRole('button', { name: 'Create user' }).click()
        await adminPage.waitForURL((url) => url.pathname === '/admin')
        await adminPage.getByRole('link', { name: 'Posts' }).first().waitFor()
        expect((await me(adminPage))?.email).toBe(ADMIN.email)
        await shot(adminPage, '02-admin-dashboard')
      },
    )

    step('a sign-up on the site appears in the admin users list', async () => {
      readerPage = await newPage()
      await readerPage.goto('/sign-up')
      await readerPage.getByLabel('Name').fill(READER.name)
      await readerPage.getByLabel('Email').fill(READER.email)
      await readerPage.getByLabel('Password').fill(READER.password)
      await readerPage.getByRole('button', { name: 'Create account' }).click()
      await readerPage.waitForURL('**/account')
      await expect
        .poll(() => readerPage.getByTestId('signed-in').textContent())
        .toContain(READER.email)
      // The Payload side resolved the same session to the mirrored user.
      const payloadUser = JSON.parse(
        (await readerPage.getByTestId('payload-user').textContent()) ?? 'null',
      )
      expect(payloadUser).toMatchObject({ email: READER.email, role: 'user' })
      expect(payloadUser.baUserId).toEqual(expect.any(String))
      await shot(readerPage, '03-site-account')

      await adminPage.goto('/admin/collections/users')
      await adminPage.getByText(READER.email).waitFor()
      await shot(adminPage, '04-admin-users-list')
    })

    step('posts are readable when signed in, and not by a signed-out visitor', async () => {
      await readerPage.goto('/posts')
      await readerPage.getByTestId('posts').getByText('Welcome').waitFor()

      const visitor = await newPage()
      await visitor.goto('/posts')
      await visitor.getByTestId('posts-forbidden').waitFor()
      expect(await visitor.getByText('Welcome').count()).toBe(0)
      const api = await visitor.request.get('/api/posts')
      expect(api.status()).toBe(403)
      await shot(visitor, '05-posts-signed-out')
    })

    step(
      'signing out of the admin signs out of the site too, without a redirect loop',
      async () => {
        const cookiesBefore = await adminPage.context().cookies()
        const session = cookiesBefore.find((c) => c.name.endsWith('better-auth.session_token'))
        expect(session).toBeDefined()

        await adminPage.goto('/admin/logout')
        await adminPage.waitForURL(/\/admin\/login/)
        await adminPage.getByRole('heading', { name: 'Sign in' }).waitFor()
        // Still on the login page a moment later: nothing bounced it elsewhere.
        await adminPage.waitForTimeout(1_000)
        expect(new URL(adminPage.url()).pathname).toBe('/admin/login')
        await shot(adminPage, '06-admin-signed-out')

        const cookiesAfter = await adminPage.context().cookies()
        // Every Better Auth cookie is gone but the passkey challenge (5 minutes, no identity), which
        // the login view's passkey autofill asks for as it opens.
        const left = cookiesAfter.filter(
          (c) => c.name.includes('better-auth') && !c.name.endsWith('better-auth-passkey'),
        )
        expect(left).toEqual([])
        expect(await me(adminPage)).toBeNull()
        await adminPage.goto('/account')
        await adminPage.getByTestId('signed-out').waitFor()

        // The session itself is over, not just the cookie: replaying the old cookie gets nobody.
        // Sec-Fetch-Site as a browser sends it, so only the session decides (not the CSRF rule).
        const replay = await adminPage.request.get('/api/users/me', {
          headers: {
            cookie: `${session?.name}=${session?.value}`,
            'sec-fetch-site': 'same-origin',
          },
        })
        expect((await replay.json()).user).toBeNull()
      },
    )

    step('the admin signs in through the Better Auth login view', async () => {
      await adminPage.goto('/admin')
      await adminPage.waitForURL(/\/admin\/login/)
      const form = adminPage.getByRole('form', { name: 'Sign in with email and password' })
      await form.getByLabel('Email').fill(ADMIN.email)
      await form.getByLabel('Password').fill(ADMIN.password)
      await shot(adminPage, '07-admin-sign-in')
      await form.getByRole('button', { name: 'Sign in' }).click()
      await adminPage.waitForURL((url) => url.pathname === '/admin')
      await adminPage.getByRole('link', { name: 'Users' }).first().waitFor()
      expect((await me(adminPage))?.email).toBe(ADMIN.email)
    })

    step('with two-factor authentication on, the admin login view asks for the code', async () => {
      // Turn TOTP on for the signed-in admin, as an authenticator app would see it.
      const enabled = await adminPage.evaluate(async (password) => {
        const response = await fetch('/api/auth/two-factor/enable', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password }),
        })
        return (await response.json()) as { totpURI: string }
      }, ADMIN.password)
      const secret = base32.decode(new URL(enabled.totpURI).searchParams.get('secret') ?? '')
      const code = () => createOTP(secret, { digits: 6, period: 30 }).totp()
      const verified = await adminPage.evaluate(
        async (totp) => {
          const response = await fetch('/api/auth/two-factor/verify-totp', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: totp }),
          })
          return response.status
        },
        await code(),
      )
      expect(verified).toBe(200)

      await adminPage.goto('/admin/logout')
      await adminPage.waitForURL(/\/admin\/login/)
      const form = adminPage.getByRole('form', { name: 'Sign in with email and password' })
      await form.getByLabel('Email').fill(ADMIN.email)
      await form.getByLabel('Password').fill(ADMIN.password)
      await form.getByRole('button', { name: 'Sign in' }).click()
      await adminPage.getByRole('heading', { name: 'Two-factor authentication' }).waitFor()
      // The password alone is not a session.
      expect(await me(adminPage)).toBeNull()
      await adminPage.getByLabel('Code from your authenticator app').fill('000000')
      await adminPage.getByRole('button', { name: 'Verify' }).click()
      // Scoped to the view: Next.js's route announcer is an alert too.
      await adminPage.locator('.better-auth-login').getByRole('alert').waitFor()
      await shot(adminPage, '08-admin-two-factor')
      await adminPage.getByLabel('Code from your authenticator app').fill(await code())
      await adminPage.getByRole('button', { name: 'Verify' }).click()
      await adminPage.waitForURL((url) => url.pathname === '/admin')
      expect((await me(adminPage))?.email).toBe(ADMIN.email)
    })

    step('a magic link from the dev mailbox signs the reader in', async () => {
      const page = await newPage()
      await page.goto('/sign-in')
      const form = page.getByRole('form', { name: 'Sign in with a magic link' })
      await form.getByLabel('Email').fill(READER.email)
      await form.getByRole('button', { name: 'Email me a link' }).click()
      await page.getByRole('heading', { name: 'Check your email' }).waitFor()

      await page.goto('/mailbox')
      const mail = page.getByRole('listitem').filter({ hasText: 'Your sign-in link' })
      await shot(page, '09-mailbox-magic-link')
      const link = await mail.first().getByRole('link').getAttribute('href')
      expect(link).toContain('/api/auth/magic-link/verify')
      await page.goto(link as string)
      await page.waitForURL('**/account')
      await expect.poll(() => page.getByTestId('signed-in').textContent()).toContain(READER.email)
      expect((await me(page))?.email).toBe(READER.email)
      await shot(page, '10-magic-link-signed-in')
    })

    step('a forgotten password is reset through the dev mailbox', async () => {
      const page = await newPage()
      await page.goto('/forgot-password')
      await page.getByLabel('Email').fill(READER.email)
      await page.getByRole('button', { name: 'Send reset link' }).click()
      await page.getByRole('heading', { name: 'Check your email' }).waitFor()

      await page.goto('/mailbox')
      const mail = page.getByRole('listitem').filter({ hasText: 'Reset your password' })
      const link = await mail.first().getByRole('link').getAttribute('href')
      await page.goto(link as string)
      await page.waitForURL(/\/reset-password\?token=/)
      await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password')
      await page.getByRole('button', { name: 'Change password' }).click()
      await page.getByText('Your password is changed').waitFor()

      await page.goto('/sign-in')
      const form = page.getByRole('form', { name: 'Sign in with email and password' })
      await form.getByLabel('Email').fill(READER.email)
      await form.getByLabel('Password').fill(READER.password)
      await form.getByRole('button', { name: 'Sign in' }).click()
      await form.getByRole('alert').waitFor() // the old password no longer works
      await form.getByLabel('Password').fill('a-brand-new-password')
      await form.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL('**/account')
      await expect.poll(() => page.getByTestId('signed-in').textContent()).toContain(READER.email)
      await shot(page, '11-password-reset-signed-in')
    })

    /** GET as the admin's tab does it (cookies, Sec-Fetch-Site: Payload's CSRF rule wants them). */
    const adminGet = <T>(url: string) =>
      adminPage.evaluate(async (path) => {
        const response = await fetch(path)
        return { status: response.status, body: await response.json() }
      }, url) as Promise<{ status: number; body: T }>
    /** The Payload row of `email`, read over REST as the admin. */
    const payloadRow = async (email: string) => {
      type Row = { id: number | string; baUserId: string; name: string; role: string }
      const { status, body } = await adminGet<{ docs: Row[] }>(
        `/api/users?where[email][equals]=${encodeURIComponent(email)}&depth=0`,
      )
      expect(status).toBe(200)
      expect(body.docs).toHaveLength(1)
      return body.docs[0] as Row
    }
    /** The Better Auth user, from the admin plugin, with the admin's session. */
    const betterAuthUser = async (id: string) => {
      const { status, body } = await adminGet<{ name: string; role: string; banned: boolean }>(
        `/api/auth/admin/get-user?id=${encodeURIComponent(id)}`,
      )
      expect(status).toBe(200)
      return body
    }
    const reconcile = (path: 'run' | 'status') =>
      fetch(`${story.server().url}/api/auth/reconcile/${path}`, {
        method: path === 'run' ? 'POST' : 'GET',
        headers: {
          'x-reconcile-token': story.server().reconcileToken,
          ...(path === 'run' && { 'content-type': 'application/json' }),
        },
        ...(path === 'run' && { body: '{}' }),
      })
    /** Starts a full reconcile and waits until it has run (the demo has one server process). */
    const fullReconcile = async () => {
      type Status = { lastSeedAt: string | null; reconciling: boolean; failures: unknown[] }
      const status = async () => (await (await reconcile('status')).json()) as Status
      const before = (await status()).lastSeedAt
      expect((await reconcile('run')).status).toBe(200)
      await expect
        .poll(async () => {
          const now = await status()
          return now.lastSeedAt !== before && !now.reconciling
        })
        .toBe(true)
      expect((await status()).failures).toEqual([])
    }

    let curatorPage: Page

    step('"Create New" in the admin makes a user who signs in through the invitation', async () => {
      await adminPage.goto('/admin/collections/users/create')
      await adminPage.locator('#field-email').fill(CURATOR.email)
      await adminPage.locator('#field-name').fill(CURATOR.name)
      await shot(adminPage, '12-admin-create-user')
      await adminPage.locator('#action-save').click()
      await adminPage.waitForURL(/\/admin\/collections\/users\/(?!create)[^/?]+$/)
      await adminPage.getByText('User successfully created').waitFor()
      // Made in Better Auth first: the new row carries its Better Auth id.
      const row = await payloadRow(CURATOR.email)
      expect(await betterAuthUser(row.baUserId)).toMatchObject({
        name: CURATOR.name,
        role: 'user',
      })

      // No password was given: Better Auth sent a magic link, which lands on the site's account.
      curatorPage = await newPage()
      await curatorPage.goto('/mailbox')
      const mail = curatorPage
        .getByRole('listitem')
        .filter({ hasText: CURATOR.email })
        .filter({ hasText: 'Your sign-in link' })
      await mail.waitFor()
      await shot(curatorPage, '13-mailbox-invitation')
      const link = await mail.getByRole('link').getAttribute('href')
      await curatorPage.goto(link as string)
      await curatorPage.waitForURL('**/account')
      await expect
        .poll(() => curatorPage.getByTestId('signed-in').textContent())
        .toContain(CURATOR.email)
      expect((await me(curatorPage))?.email).toBe(CURATOR.email)
      await shot(curatorPage, '14-invited-user-signed-in')
    })

    step(
      'an admin renames a user and makes them an admin in /admin; Better Auth has both and a full reconcile keeps them',
      async () => {
        const row = await payloadRow(CURATOR.email)
        await adminPage.goto(`/admin/collections/users/${row.id}`)
        await adminPage.locator('#field-name').fill(CURATOR.renamed)
        await adminPage.locator('#field-role').click()
        // Payload's select menu (the sidebar's Better Auth panel has a role <select> of its own).
        await adminPage
          .locator('.rs__menu')
          .getByRole('option', { name: 'admin', exact: true })
          .click()
        await shot(adminPage, '15-admin-edit-user')
        await adminPage.locator('#action-save').click()
        await adminPage.getByText('Updated successfully').waitFor()

        // Better Auth made the change (its admin plugin, with the admin's session).
        expect(await betterAuthUser(row.baUserId)).toMatchObject({
          name: CURATOR.renamed,
          role: 'admin',
        })
        // A full reconcile writes Better Auth's values into Payload: the same ones.
        await fullReconcile()
        expect(await payloadRow(CURATOR.email)).toMatchObject({
          name: CURATOR.renamed,
          role: 'admin',
        })
        await adminPage.reload()
        await expect.poll(() => adminPage.locator('#field-name').inputValue()).toBe(CURATOR.renamed)
        await adminPage.locator('#field-role').getByText('admin', { exact: true }).waitFor()
        await shot(adminPage, '16-admin-user-after-reconcile')
      },
    )

    step("a banned user's open admin tab is signed out at its next request", async () => {
      // The curator is an admin now: their tab opens the admin.
      await curatorPage.goto('/admin')
      await curatorPage.waitForURL((url) => url.pathname === '/admin')
      const showPosts = curatorPage.getByRole('link', { name: 'Show all Posts' })
      await showPosts.waitFor()
      expect((await me(curatorPage))?.email).toBe(CURATOR.email)
      await shot(curatorPage, '17-curator-admin-open')

      // The admin bans them through Better Auth, from the admin's tab (its cookies and Origin).
      const { baUserId } = await payloadRow(CURATOR.email)
      const banned = await adminPage.evaluate(async (userId) => {
        const response = await fetch('/api/auth/admin/ban-user', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId, banReason: 'demo' }),
        })
        return response.status
      }, baUserId)
      expect(banned).toBe(200)
      expect((await betterAuthUser(baUserId)).banned).toBe(true)

      // The open tab's next navigation (a client-side one) finds no session.
      await showPosts.click()
      await curatorPage.waitForURL(/\/admin\/login/)
      await curatorPage.getByRole('heading', { name: 'Sign in' }).waitFor()
      expect(await me(curatorPage)).toBeNull()
      await shot(curatorPage, '18-banned-user-signed-out')
    })
  })
}

// Production defaults: no DEMO_MAILBOX, and (to test one more thing on the same start) Payload
// looking for Better Auth where nothing listens.
describeBrowser('demo app in Chromium, production defaults, Better Auth unreachable', () => {
  let server: DemoServer
  let browser: Browser

  beforeAll(async () => {
    if (!inject('chromiumPath')) {
      throw new Error('CI=true requires Chromium, and it could not be installed')
    }
    await buildOnce()
    // Payload looks for Better Auth where nothing listens.
    server = await startDemo({ INTERNAL_SERVER_URL: 'http://127.0.0.1:9' })
    browser = await launchChromium()
  }, 600_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  }, 60_000)

  it(
    'the admin login view says sign-in is unavailable and offers a retry',
    async () => {
      const page = await browser.newPage({ baseURL: server.url })
      const response = await page.goto('/admin/login')
      expect(response?.status()).toBe(200)
      await page.getByRole('alert').getByText('Better Auth did not answer').waitFor()
      await page.getByRole('button', { name: 'Try again' }).waitFor()
      await screenshot(page, 'better-auth-unreachable-login')
    },
    STEP_TIMEOUT,
  )

  it(
    "has no Payload password login (the benchmark's comparison) without DEMO_BENCH_COMPARISONS",
    async () => {
      // Its tables are in the migrations; the collection, its login and its strategy are not on.
      const login = await fetch(`${server.url}/api/payload-logins/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench-login@example.com', password: 'anything-at-all' }),
      })
      expect(login.status).toBe(404)
      const list = await fetch(`${server.url}/api/payload-logins`)
      expect(list.status).toBe(404)
      // The comparison strategy's header authenticates nothing.
      const posts = await fetch(`${server.url}/api/posts`, {
        headers: { 'x-bench-cookie': 'better-auth.session_token=forged' },
      })
      expect(posts.status).toBe(403)
    },
    STEP_TIMEOUT,
  )

  it(
    'does not serve the mailbox (every sign-in link) without DEMO_MAILBOX',
    async () => {
      const page = await browser.newPage({ baseURL: server.url })
      const response = await page.goto('/mailbox')
      expect(response?.status()).toBe(404)
      await page.getByText('This page could not be found').waitFor()
      await screenshot(page, 'mailbox-not-served-in-production')
      await page.goto('/')
      expect(
        await page.getByRole('navigation').getByRole('link', { name: 'Mailbox' }).count(),
      ).toBe(0)
    },
    STEP_TIMEOUT,
  )
})
