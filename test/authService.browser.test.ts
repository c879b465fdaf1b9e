import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { describeDemoStory, topologies } from './helpers/demoStory.ts'

// The demo in the manual's other shape: Better Auth as a service of its own (dev/auth-service, a
// node:http server with the sync plugin), the Payload app forwarding /api/auth/* to it and running
// no Better Auth itself, both on one storage and event bus (SQLite files on one host; PostgreSQL +
// Redis). Sign-ups made through the service reach Payload; the admin signs in; with the service
// down, sign-in says so while Payload keeps answering.

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-battery' }
const READER = { name: 'Rea Reader', email: 'rea@example.com', password: 'reader-password-123' }

const payloadUserOf = async (page: Page) =>
  JSON.parse((await page.getByTestId('payload-user').textContent()) ?? 'null') as {
    email: string
    role: string
    baUserId: string
  } | null

for (const topology of topologies) {
  describeDemoStory(
    'Better Auth as a service of its own',
    { topology, redisDb: 7, authService: true },
    ({ newPage, step, shot, me, server }) => {
      let admin: Page
      step('the first admin signs up on the admin view, through the service', async () => {
        admin = await newPage()
        await admin.goto('/admin')
        await admin.getByRole('heading', { name: 'Create the first user' }).waitFor()
        await admin.getByLabel('Name').fill(ADMIN.name)
        await admin.getByLabel('Email').fill(ADMIN.email)
        await admin.getByLabel('Password').fill(ADMIN.password)
        await admin.getByRole('button', { name: 'Create user' }).click()
        await admin.waitForURL((url) => url.pathname === '/admin')
        expect(await me(admin)).toMatchObject({ email: ADMIN.email })
      })

      step("a site sign-up is Payload's user when the page loads", async () => {
        const reader = await newPage()
        await reader.goto('/sign-up')
        await reader.getByLabel('Name').fill(READER.name)
        await reader.getByLabel('Email').fill(READER.email)
        await reader.getByLabel('Password').fill(READER.password)
        await reader.getByRole('button', { name: 'Create account' }).click()
        await reader.waitForURL('**/account')
        await expect
          .poll(() => reader.getByTestId('signed-in').textContent())
          .toContain(READER.email)
        expect(await payloadUserOf(reader)).toMatchObject({ email: READER.email, role: 'user' })
        await shot(reader, '01-account')
      })

      step('the service answers /api/auth: its sync plugin is the one warmed up', async () => {
        const response = await fetch(`${server().url}/api/auth/warmup`)
        expect(response.status).toBe(200)
        expect(await response.json()).toMatchObject({
          initialized: true,
          pluginId: 'reconcile-queue-plugin',
        })
        expect(server().output()).toContain('[auth-service] Better Auth listening')
      })

      step('with the service down, sign-in says so and Payload still answers', async () => {
        await server().stopAuthService?.()
        const page = await newPage()
        await page.goto('/admin/login')
        await page.getByRole('alert').getByText('Better Auth did not answer').waitFor()
        const direct = await fetch(`${server().url}/api/auth/get-session`)
        expect(direct.status).toBe(502)
        expect(await direct.text()).toMatch(/did not answer/)
        const posts = await fetch(`${server().url}/api/posts`)
        expect(posts.status).toBeLessThan(500)
        // The admin's session lives in the shared storage: Payload still knows them.
        expect(await me(admin)).toMatchObject({ email: ADMIN.email })
        await shot(page, '02-service-down')
      })
    },
  )
}
