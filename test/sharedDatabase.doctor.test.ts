import type { BetterAuthOptions } from 'better-auth'
import type { CollectionConfig } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type CheckLine, formatLine, runDoctor } from '../src/cli/doctor/index.ts'
import { TEST_BETTER_AUTH_SECRET } from './helpers/betterAuth.ts'
import { startSharedApp } from './helpers/sharedApp.ts'

// `payload-better-auth doctor` on the shared-database topology (Better Auth on payloadAdapter, no
// sync plugin): it runs the checks that apply there, and does not ask for the synced plugins.

const users: CollectionConfig = { slug: 'users', auth: true, fields: [] }
const authOptions = {
  baseURL: 'http://localhost:3000',
  secret: TEST_BETTER_AUTH_SECRET,
  emailAndPassword: { enabled: true },
  user: { modelName: 'users' },
  advanced: { database: { generateId: 'serial' } },
  logger: { disabled: true },
} satisfies BetterAuthOptions

const text = (lines: CheckLine[]) => lines.map(formatLine).join('\n')
const failed = (lines: CheckLine[]) => lines.filter((line) => line.status === 'FAIL')

describe('doctor on the shared-database topology', () => {
  let app: Awaited<ReturnType<typeof startSharedApp<typeof authOptions>>>
  beforeAll(async () => {
    app = await startSharedApp('sqlite', { users, authOptions })
  }, 60_000)
  afterAll(() => app?.close())
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('set up well: the secrets and the session storage ok, no sync checked, nothing failed', async () => {
    const lines = await runDoctor({ config: app.payload.config, auth: app.auth })
    expect(failed(lines)).toEqual([])
    expect(text(lines)).toBe(
      [
        'ok   shared-database topology: no sync to check',
        "ok   PAYLOAD_SECRET (Payload's secret) is set and strong",
        "ok   BETTER_AUTH_SECRET (Better Auth's secret) is set and strong",
        'ok   the session storage answers (memory (this process only))',
      ].join('\n'),
    )
  })

  it('a weak secret: FAIL in production, a warning elsewhere; a hanging storage: FAIL with the fix', async () => {
    const config = { ...app.payload.config, secret: 'short' }
    const hanging = {
      get: () => new Promise<null>(() => {}),
      set: () => new Promise<void>(() => {}),
      delete: () => new Promise<void>(() => {}),
      getAndDelete: () => new Promise<null>(() => {}),
      increment: () => new Promise<number>(() => {}),
    }
    const auth = {
      options: { ...app.auth.options, secondaryStorage: hanging },
      $context: app.auth.$context,
    }

    const development = text(await runDoctor({ config, auth, storageTimeoutMs: 100 }))
    expect(development).toContain(
      "warn PAYLOAD_SECRET (Payload's secret) is shorter than 32 characters (refused when NODE_ENV=production) — set it to a random string of at least 32 characters",
    )
    expect(development).toContain(
      "FAIL could not check the session storage (a custom storage): set: no answer within 100 ms — check that Better Auth's secondaryStorage is reachable from here",
    )

    vi.stubEnv('NODE_ENV', 'production')
    const production = await runDoctor({ config, auth, storageTimeoutMs: 100 })
    expect(failed(production).map(formatLine)).toContain(
      "FAIL PAYLOAD_SECRET (Payload's secret) is shorter than 32 characters — set it to a random string of at least 32 characters (e.g. openssl rand -base64 32)",
    )
    // Nothing of the synced topology is asked for.
    expect(text(production)).not.toMatch(/payloadBetterAuthPlugin|BA_TO_PAYLOAD_SECRET|event bus/)
  })

  it('sessions in the database (no secondaryStorage): no storage to check', async () => {
    const { secondaryStorage: _, ...options } = app.auth.options
    const lines = await runDoctor({
      config: app.payload.config,
      auth: { options, $context: app.auth.$context },
    })
    expect(failed(lines)).toEqual([])
    expect(text(lines)).not.toContain('storage')
  })
})
