import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './helpers/eventually.ts'
import { type SyncedApp, signUp, startSyncedApp } from './helpers/syncedApp.ts'
import { RECONCILE_TOKEN } from './helpers/syncedAuth.ts'

// The manual's `curl` lines (seed-000, "Endpoints"), run by the real curl exactly as printed: only
// the host, the token and the example user id are put in.

const run = promisify(execFile)

describe("the manual's curl examples, verbatim", () => {
  let ctx: SyncedApp
  let userId: string

  /** Runs one of the manual's command lines in a shell; its output, parsed as JSON. */
  async function curl(line: string): Promise<unknown> {
    const command = line
      .replaceAll('http://localhost:3000', ctx.betterAuthURL)
      .replaceAll('your-token', RECONCILE_TOKEN)
      .replaceAll('"user-id"', JSON.stringify(userId))
    const { stdout } = await run('bash', ['-c', command])
    return JSON.parse(stdout)
  }

  /** Waits until no reconcile runs or waits, so a queued pass cannot re-create a removed row. */
  async function untilIdle() {
    await eventually(async () => {
      const status = await curl(
        'curl -H "x-reconcile-token: your-token" http://localhost:3000/api/auth/reconcile/status',
      )
      expect(status).toMatchObject({ reconciling: false, queueSize: 0 })
    })
  }

  beforeAll(async () => {
    // The config of the manual's `GET /methods` example: email and password and a magic link. The
    // admin plugin is left out: `GET /methods` lists it too, as a capability.
    ctx = await startSyncedApp('sqlite', { auth: { adminPlugin: false } })
    userId = (await signUp(ctx, 'curl@example.com')).baUserId
  })
  afterAll(async () => ctx?.close())

  it('GET /reconcile/status', async () => {
    const status = await curl(
      'curl -H "x-reconcile-token: your-token" http://localhost:3000/api/auth/reconcile/status',
    )
    expect(status).toMatchObject({
      queueSize: expect.any(Number),
      userOperationTasks: expect.any(Number),
      fullReconcileTasks: expect.any(Number),
      processing: expect.any(Boolean),
      reconciling: expect.any(Boolean),
      processed: expect.any(Number),
      failed: expect.any(Number),
    })
    expect(status).toHaveProperty('lastError')
    expect(status).toHaveProperty('lastSeedAt')
  })

  it('POST /reconcile/run (no body, no content type)', async () => {
    const before = (await curl(
      'curl -H "x-reconcile-token: your-token" http://localhost:3000/api/auth/reconcile/status',
    )) as { lastSeedAt: string | null }
    expect(
      await curl(
        'curl -X POST -H "x-reconcile-token: your-token" http://localhost:3000/api/auth/reconcile/run',
      ),
    ).toEqual({ queued: true })
    await eventually(async () => {
      const after = (await curl(
        'curl -H "x-reconcile-token: your-token" http://localhost:3000/api/auth/reconcile/status',
      )) as { lastSeedAt: string | null }
      expect(after.lastSeedAt).not.toBe(before.lastSeedAt)
    })
  })

  it('POST /reconcile/run as a Next.js route hands it over: an empty body stream, no type', async () => {
    const run = (headers: Record<string, string>) =>
      ctx.synced.auth.handler(
        new Request('http://localhost:3000/api/auth/reconcile/run', {
          method: 'POST',
          headers: { 'x-reconcile-token': RECONCILE_TOKEN, ...headers },
          body: new ReadableStream({ start: (controller) => controller.close() }),
          duplex: 'half',
        } as RequestInit),
      )
    const kinds: Record<string, string>[] = [{}, { 'content-type': 'application/json' }]
    for (const headers of kinds) {
      const response = await run(headers)
      expect(response.status, JSON.stringify(headers)).toBe(200)
      expect(await response.json()).toEqual({ queued: true })
    }
    await untilIdle()
  })

  it('POST /reconcile/ensure', async () => {
    const answer = await curl(`curl -X POST -H "x-reconcile-token: your-token" \\
-H "Content-Type: application/json" \\
-d '{"user": {"id": "user-id", "email": "user@example.com"}}' \\
http://localhost:3000/api/auth/reconcile/ensure`)
    expect(answer).toEqual({ applied: true })
  })

  it('POST /reconcile/delete', async () => {
    // The user is still in Better Auth: a full pass running now would bring the row back.
    await untilIdle()
    const answer = await curl(`curl -X POST -H "x-reconcile-token: your-token" \\
-H "Content-Type: application/json" \\
-d '{"baId": "user-id"}' \\
http://localhost:3000/api/auth/reconcile/delete`)
    expect(answer).toEqual({ applied: true })
    const { totalDocs } = await ctx.app.payload.count({
      collection: 'users',
      where: { baUserId: { equals: userId } },
      overrideAccess: true,
    })
    expect(totalDocs).toBe(0)
  })

  it('GET /methods', async () => {
    expect(await curl('curl http://localhost:3000/api/auth/methods')).toEqual([
      { method: 'emailAndPassword', options: { minPasswordLength: 8 } },
      { method: 'magicLink' },
    ])
  })

  it('GET /warmup', async () => {
    expect(await curl('curl http://localhost:3000/api/auth/warmup')).toMatchObject({
      initialized: true,
      pluginId: 'reconcile-queue-plugin',
      authMethods: ['emailAndPassword', 'magicLink'],
      timestamp: expect.any(String),
    })
  })
})
