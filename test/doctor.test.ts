import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClientConfig, getLocalI18n } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEAD_LETTER_KIND, syncQueueOf } from '../src/better-auth/durableQueue.ts'
import { type CheckLine, formatLine, runDoctor, versionLine } from '../src/cli/doctor/index.ts'
import { eventually } from './helpers/eventually.ts'
import { startPayload, type TestPayload } from './helpers/payload.ts'
import { cleanupPrefixAfterAll, describeWithRedis, uniquePrefix } from './helpers/redis.ts'
import { createSyncedAuth } from './helpers/syncedAuth.ts'

// `payload-better-auth doctor`: in-process on real sides (one line per check, FAIL with the fix),
// and the real bin on a deployment on Redis loaded from its files.

const apps: TestPayload[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

const text = (lines: CheckLine[]) => lines.map(formatLine).join('\n')
const failed = (lines: CheckLine[]) => lines.filter((line) => line.status === 'FAIL')

async function healthyPair() {
  const storage = createMemoryStorage()
  const eventBus = createMemoryEventBus()
  const app = await startPayload('sqlite', { plugin: { storage, eventBus } })
  apps.push(app)
  const synced = await createSyncedAuth({
    payload: async () => app.payload,
    config: app.payload.config,
    storage,
    eventBus,
    // The helper's token is a test value; doctor wants a production-grade one.
    token: 'a-strong-reconcile-token-0123456789abcdef',
  })
  return { app, synced, storage }
}

describe('doctor on real sides', () => {
  it('a healthy pair: every check ok, the in-memory parts named as warnings', async () => {
    const { app, synced } = await healthyPair()
    // Better Auth took up Payload's start: its full reconcile has finished.
    await eventually(async () => {
      const lines = await runDoctor({ config: app.payload.config, auth: synced.auth })
      expect(text(lines)).toContain('ok   the last full reconcile started')
    })
    const lines = await runDoctor({ config: app.payload.config, auth: synced.auth })
    expect(failed(lines)).toEqual([])
    const output = text(lines)
    for (const line of [
      "ok   PAYLOAD_SECRET (Payload's secret) is set and strong",
      "ok   BA_TO_PAYLOAD_SECRET (Payload's sync secret) is set and strong",
      "ok   BA_TO_PAYLOAD_SECRET (Better Auth's sync secret) is set and strong",
      "ok   BETTER_AUTH_SECRET (Better Auth's secret) is set and strong",
      'ok   both sides have the same BA_TO_PAYLOAD_SECRET',
      'ok   both sides have the same BETTER_AUTH_SECRET',
      'ok   both sides have basePath "/api/auth"',
      'ok   both sides have usersSlug "users"',
      'ok   storage answers (memory (this process only)); both sides use it',
      'ok   the event bus carries events both ways (memory (this process only))',
      "ok   Payload's last start (",
      "ok   Better Auth's last start (",
      'and Better Auth took it up (full reconcile claimed)',
      'ok   sync queue: 0 tasks waiting; 0 users the sync could not write',
      'ok   no dead letters',
      'warn the storage is in memory',
      'warn the event bus is in memory',
    ]) {
      expect(output).toContain(line)
    }
    expect(versionLine().status).toBe('ok')
  })

  it('names dead letters, a weak secret and a missing plugin, each with its fix', async () => {
    const { app, synced, storage } = await healthyPair()
    await syncQueueOf(storage).keep(
      DEAD_LETTER_KIND,
      'user:u1',
      JSON.stringify({ group: 'user:u1', task: { op: 'ensure', userId: 'u1' } }),
      60_000,
    )
    const config = { ...app.payload.config, secret: 'short' }
    // Production refuses a weak secret; elsewhere the plugins accept it, so it is a warning.
    vi.stubEnv('NODE_ENV', 'production')
    const lines = await runDoctor({ config, auth: synced.auth })
    vi.unstubAllEnvs()
    const failures = failed(lines).map(formatLine)
    expect(failures).toContain(
      "FAIL PAYLOAD_SECRET (Payload's secret) is shorter than 32 characters — set it to a random string of at least 32 characters (e.g. openssl rand -base64 32)",
    )
    const development = await runDoctor({ config, auth: synced.auth })
    expect(failed(development).map(formatLine).join('\n')).not.toContain('PAYLOAD_SECRET')
    expect(text(development)).toContain(
      "warn PAYLOAD_SECRET (Payload's secret) is shorter than 32 characters (refused when NODE_ENV=production) — set it to a random string of at least 32 characters",
    )
    expect(failures).toContain(
      'FAIL 1 dead letter (sync tasks that failed every attempt) — GET /api/auth/reconcile/dead-letters says why; fix the cause, then POST /api/auth/reconcile/retry',
    )

    const withoutPlugin = await runDoctor({
      config: app.payload.config,
      auth: { options: { ...synced.auth.options, plugins: [] } },
    })
    expect(failed(withoutPlugin).map(formatLine)).toContain(
      "FAIL the Better Auth instance has no payloadBetterAuthPlugin — add payloadBetterAuthPlugin({...}) to Better Auth's plugins (or pass --auth <file>)",
    )
  })
})

const BIN = fileURLToPath(new URL('../bin/payload-better-auth.js', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixtures/doctorApp/', import.meta.url))

/** Runs `payload-better-auth doctor` on the fixture deployment, as an operator would. */
function runDoctorBin(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'doctor',
        '--config',
        join(FIXTURE, 'payload.config.ts'),
        '--auth',
        join(FIXTURE, 'auth.ts'),
      ],
      {
        env: { ...process.env, ...env, PAYLOAD_BETTER_AUTH_CLI_SOURCE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describeWithRedis('the doctor bin on a deployment on Redis', (url) => {
  let prefix = ''
  cleanupPrefixAfterAll(url, () => prefix)
  const secrets = {
    PAYLOAD_SECRET: 'doctor-payload-secret-0123456789abcdef',
    BETTER_AUTH_SECRET: 'doctor-better-auth-secret-0123456789abcdef',
    BA_TO_PAYLOAD_SECRET: 'doctor-sync-secret-0123456789abcdef-0123',
    RECONCILE_TOKEN: 'doctor-reconcile-token-0123456789abcdef',
  }

  it('set up alike: every check passes, exit code 0', { timeout: 120_000 }, async () => {
    prefix = uniquePrefix('doctor')
    const { code, output } = await runDoctorBin({
      ...secrets,
      DOCTOR_REDIS_URL: url(),
      DOCTOR_PAYLOAD_PREFIX: prefix,
    })
    expect(output).toContain('ok   supported versions: better-auth ')
    expect(output).toMatch(
      /ok {3}Payload's storage answers \(redis 127\.0\.0\.1:6379\/0, prefix test:doctor:/,
    )
    expect(output).toContain('ok   both sides share one storage')
    expect(output).toContain('ok   the event bus carries events both ways')
    // Nothing has started on this fresh prefix: named, not failed.
    expect(output).toContain('warn Payload has recorded no start in its storage')
    expect(output).toContain('All checks passed.')
    expect(output).not.toContain('FAIL')
    expect(code).toBe(0)
  })

  it('another sync secret and another storage: both FAIL lines with the fix, exit code 1', {
    timeout: 120_000,
  }, async () => {
    prefix = uniquePrefix('doctor')
    const { code, output } = await runDoctorBin({
      ...secrets,
      DOCTOR_REDIS_URL: url(),
      DOCTOR_PAYLOAD_PREFIX: `${prefix}payload:`,
      DOCTOR_BETTER_AUTH_PREFIX: `${prefix}better-auth:`,
      DOCTOR_BETTER_AUTH_SYNC_SECRET: 'another-sync-secret-0123456789abcdef-0123',
    })
    expect(output).toContain(
      'FAIL sync secret differs between the sides: Payload refuses every sync write from Better Auth — set the same BA_TO_PAYLOAD_SECRET on both',
    )
    expect(output).toContain(
      `FAIL the two sides use different storages (Payload: redis 127.0.0.1:6379/0, prefix ${prefix}payload:; Better Auth: redis 127.0.0.1:6379/0, prefix ${prefix}better-auth:)`,
    )
    expect(output).toContain('give both plugins the same storage')
    // Each side's own event bus (channel prefixes differ too).
    expect(output).toContain('FAIL events sent on the event bus did not arrive within 3000 ms')
    expect(output).toMatch(/\n\d+ check\(s\) failed\./)
    expect(code).toBe(1)
  })
})

it("the options doctor reads (secrets among them) stay out of Payload's client config", async () => {
  const app = await startPayload('sqlite', {
    plugin: {
      storage: createMemoryStorage(),
      eventBus: createMemoryEventBus(),
      syncSecret: 'client-config-probe-sync-secret-0123456789',
    },
  })
  try {
    const { config } = app.payload
    // Where doctor reads them on the server (Payload's root `custom` is server-only).
    expect(JSON.stringify(config.custom)).toContain('client-config-probe-sync-secret')
    const clientConfig = createClientConfig({
      config,
      i18n: await getLocalI18n({ config, language: 'en' }),
      importMap: {},
      user: true,
    })
    expect(JSON.stringify(clientConfig)).not.toContain('client-config-probe-sync-secret')
  } finally {
    await app.close()
  }
})
