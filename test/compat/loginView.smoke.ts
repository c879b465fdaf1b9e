import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchChromium } from '../helpers/browser.ts'
import { DEV_DIR, NEXT_BIN, secrets } from '../helpers/demoApp.ts'
import { describeBrowser } from '../helpers/demoStory.ts'
import { freePort } from '../helpers/freePort.ts'

// The admin login view rendered for real by the installed Next.js, Payload and Better Auth: the
// demo app (dev/) under `next dev` (it compiles only the routes asked for: far cheaper than a
// `next build`; on Next 15 that is webpack, its default bundler) on its embedded SQLite files, in
// Chromium. Payload's admin renders its views in the browser (the server sends our view's output
// as React Server Component data), so only a browser shows the form. On an empty database the
// view offers the first-user form; that user signs in with the password form afterwards.

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct-horse-battery' }
const START_TIMEOUT = 240_000
/** A page's wait; the first one includes compiling /admin (20-40 s here). */
const WAIT_TIMEOUT = 90_000
const STEP_TIMEOUT = 150_000

let child: ChildProcess | undefined
let exited: Promise<unknown> = Promise.resolve()
let browser: Browser | undefined
let url = ''
let dataDir = ''
const log: string[] = []
const output = () => log.join('').slice(-8_000)

async function startNextDev(): Promise<void> {
  const port = await freePort()
  url = `http://localhost:${port}`
  dataDir = mkdtempSync(path.join(tmpdir(), 'pba-compat-demo-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets(),
    NODE_ENV: 'development',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: '.next-compat',
    NEXT_PUBLIC_SERVER_URL: url,
    INTERNAL_SERVER_URL: url,
    PORT: String(port),
    DEMO_DATA_DIR: dataDir,
  }
  // The embedded defaults, whatever the environment of the run says.
  for (const name of ['DATABASE_URI', 'REDIS_URL', 'BETTER_AUTH_SERVICE_URL', 'DEMO_PLUGINS_OFF']) {
    delete env[name]
  }
  // A process group of its own: `next dev` starts workers, and they all end with it.
  const running = spawn(process.execPath, [NEXT_BIN, 'dev', '--port', String(port)], {
    cwd: DEV_DIR,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child = running
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString())
    if (log.length > 400) log.splice(0, log.length - 400)
  }
  running.stdout?.on('data', keep)
  running.stderr?.on('data', keep)
  exited = new Promise((resolve) => running.on('exit', resolve))

  const deadline = Date.now() + START_TIMEOUT
  for (;;) {
    if (running.exitCode !== null) {
      throw new Error(`next dev exited (code ${running.exitCode}) before answering:\n${output()}`)
    }
    const ready = await fetch(`${url}/api/auth/methods`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return
    if (Date.now() > deadline) throw new Error(`next dev did not answer in time:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** A fresh browser profile on the demo; page errors fail the step that meets them. */
async function newPage(): Promise<{ page: Page; errors: string[] }> {
  if (!browser) throw new Error('Chromium is not running')
  const context = await browser.newContext({ baseURL: url })
  context.setDefaultTimeout(WAIT_TIMEOUT)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  return { page, errors }
}

describeBrowser('the admin login view, rendered by next dev of the demo in Chromium', () => {
  beforeAll(async () => {
    await startNextDev()
    browser = await launchChromium()
  }, START_TIMEOUT + 30_000)

  afterAll(async () => {
    await browser?.close()
    if (child?.pid && child.exitCode === null) {
      const group = -child.pid
      process.kill(group, 'SIGTERM')
      const timer = setTimeout(() => process.kill(group, 'SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }, 30_000)

  it(
    'offers the first-user form on an empty database, and the user it makes opens the admin',
    async () => {
      const { page, errors } = await newPage()
      try {
        await page.goto('/admin/login')
        const form = page.getByRole('form', { name: 'Create the first user' })
        await form.getByLabel('Name').fill(ADMIN.name)
        await form.getByLabel('Email').fill(ADMIN.email)
        await form.getByLabel('Password').fill(ADMIN.password)
        await form.getByRole('button', { name: 'Create user' }).click()
        await page.waitForURL((address) => address.pathname === '/admin')
        await page.getByRole('link', { name: 'Posts' }).first().waitFor()
        expect(errors).toEqual([])
      } catch (error) {
        throw new Error(`${error}\n--- next dev:\n${output()}`)
      } finally {
        await page.context().close()
      }
    },
    STEP_TIMEOUT,
  )

  it(
    'offers the password form once a user exists, and signs that user in',
    async () => {
      const { page, errors } = await newPage()
      try {
        await page.goto('/admin/login')
        const form = page.getByRole('form', { name: 'Sign in with email and password' })
        await form.getByLabel('Email').fill(ADMIN.email)
        await form.getByLabel('Password').fill(ADMIN.password)
        await form.getByRole('button', { name: 'Sign in' }).click()
        await page.waitForURL((address) => address.pathname === '/admin')
        await page.getByRole('link', { name: 'Posts' }).first().waitFor()
        const me = await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()))
        expect(me?.user?.email).toBe(ADMIN.email)
        expect(errors).toEqual([])
      } catch (error) {
        throw new Error(`${error}\n--- next dev:\n${output()}`)
      } finally {
        await page.context().close()
      }
    },
    STEP_TIMEOUT,
  )
})
