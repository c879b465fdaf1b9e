import { Redis as IORedis } from 'ioredis'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, inject, it } from 'vitest'
import { launchChromium, screenshot } from './browser.ts'
import { createPostgresDatabase } from './databases.ts'
import { buildDemo, type DemoServer, startDemo } from './demoApp.ts'

// The harness of the demo's browser stories: the demo built once per run, started as in
// production on each topology (embedded defaults; PostgreSQL + Redis), and driven by Chromium, one
// fresh profile per visitor. Steps run in order and stop the story at the first failure.

/** The demo serves /mailbox in production only with this flag. */
export const MAILBOX_FLAG = { DEMO_MAILBOX: '1' }
export const STEP_TIMEOUT = 60_000

const chromiumPath = inject('chromiumPath')
const required = inject('servicesRequired')

/** `describe` when Chromium is there (or CI requires it), else `describe.skip`. */
export const describeBrowser = chromiumPath || required ? describe : describe.skip

let built: Promise<void> | undefined
/** One `next build` per test run, shared by every story (and every test file). */
export const buildOnce = () => {
  built ??= buildDemo(inject('runId'))
  return built
}

export interface Topology {
  name: string
  /**
   * What the server needs besides the defaults; null when its services are missing. `redisDb`: a
   * Redis database index of the story's own (the demo uses the default key prefixes).
   */
  prepare(
    redisDb: number,
  ): Promise<{ env: Record<string, string>; cleanup(): Promise<void> } | null>
}

export const topologies: Topology[] = [
  { name: 'sqlite', prepare: async () => ({ env: MAILBOX_FLAG, cleanup: async () => {} }) },
  {
    name: 'postgres-redis',
    async prepare(redisDb) {
      const postgres = inject('postgresUrl')
      const redis = inject('redisUrl')
      if (!postgres || !redis) return null
      const database = await createPostgresDatabase('demo')
      // A Redis database of its own, emptied first.
      const redisURL = new URL(redis)
      redisURL.pathname = `/${redisDb}`
      const client = new IORedis(redisURL.toString())
      await client.flushdb()
      client.disconnect()
      return {
        env: { ...MAILBOX_FLAG, DATABASE_URI: database.url, REDIS_URL: redisURL.toString() },
        async cleanup() {
          await database.drop()
          const flush = new IORedis(redisURL.toString())
          await flush.flushdb()
          flush.disconnect()
        },
      }
    },
  },
]

export interface Story {
  server(): DemoServer
  /** A fresh browser profile: another visitor, from another address as a proxy reports it. */
  newPage(): Promise<Page>
  /** One step of the story; its failure shows the server's recent output. */
  step(name: string, body: () => Promise<void>): void
  shot(page: Page, step: string): Promise<void>
  /** Who Payload says the page's visitor is (`/api/users/me`). */
  me(page: Page): Promise<{ email: string } | null>
}

/**
 * Runs `body`'s steps against the demo on `topology`, started with `env` on top of the topology's.
 * Better Auth rate-limits sign-ins per address in production, hence an address per visitor.
 */
export function describeDemoStory(
  title: string,
  {
    topology,
    env = {},
    redisDb,
    authService = false,
  }: {
    topology: Topology
    env?: Record<string, string>
    redisDb: number
    /** Better Auth as a service of its own next to the app (dev/auth-service). */
    authService?: boolean
  },
  body: (story: Story) => void,
): void {
  describeBrowser(`${title} (${topology.name})`, () => {
    let server: DemoServer
    let browser: Browser
    let cleanup = async () => {}
    let skipped = false
    const contexts: BrowserContext[] = []

    beforeAll(async () => {
      if (!chromiumPath) throw new Error('CI=true requires Chromium, and it could not be installed')
      const prepared = await topology.prepare(redisDb)
      if (!prepared) {
        if (required) throw new Error(`CI=true requires PostgreSQL and Redis for ${topology.name}`)
        skipped = true
        console.log(`⚠ ${topology.name}: PostgreSQL or Redis does not answer; SKIPPED`)
        return
      }
      cleanup = prepared.cleanup
      await buildOnce()
      server = await startDemo({ ...prepared.env, ...env }, { authService })
      browser = await launchChromium()
    }, 600_000)

    afterAll(async () => {
      await browser?.close()
      await server?.stop()
      await cleanup()
    }, 60_000)

    let visitors = 0
    /** The first failed step: the later ones build on it, so they are skipped. */
    let failed: string | undefined
    const prefix = `${title.replace(/\W+/g, '-').toLowerCase()}-${topology.name}`
    body({
      server: () => server,
      async newPage() {
        visitors++
        const context = await browser.newContext({
          baseURL: server.url,
          extraHTTPHeaders: { 'x-forwarded-for': `198.51.100.${visitors}` },
        })
        context.setDefaultTimeout(30_000)
        contexts.push(context)
        return context.newPage()
      },
      step(name, run) {
        it(
          name,
          async (context) => {
            if (skipped) return context.skip()
            if (failed) return context.skip(`after the failed step "${failed}"`)
            try {
              await run()
            } catch (error) {
              failed = name
              throw new Error(
                `${String(error)}\n--- server output ---\n${server.output().slice(-4000)}`,
              )
            }
          },
          STEP_TIMEOUT,
        )
      },
      shot: (page, step) => screenshot(page, `${prefix}-${step}`),
      me: (page) =>
        page.evaluate(async () => {
          const response = await fetch('/api/users/me', { credentials: 'include' })
          return ((await response.json()) as { user: { email: string } | null }).user
        }),
    })
  })
}
