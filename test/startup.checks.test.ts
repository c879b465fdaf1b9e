import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from 'better-auth/node'
import { Redis as IORedis } from 'ioredis'
import type { Payload, SanitizedConfig } from 'payload'
import { createMemoryEventBus, createRedisEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type CheckLine, formatLine, runDoctor } from '../src/cli/doctor/index.ts'
import type { EventBus } from '../src/eventBus/types.ts'
import { PayloadBetterAuthError } from '../src/shared/errors.ts'
import { SUPPORTED_VERSIONS } from '../src/shared/supportedVersions.ts'
import {
  ALLOW_UNSUPPORTED_VERSIONS_ENV,
  assertSupportedVersions,
  checkVersions,
  installedVersions,
} from '../src/shared/versionCheck.ts'
import { eventually } from './helpers/eventually.ts'
import { startPayload, type TestPayload } from './helpers/payload.ts'
import { describeWithRedis } from './helpers/redis.ts'
import { createSyncedAuth } from './helpers/syncedAuth.ts'

// Start-up checks: a peer version outside the supported ranges stops the start with one message;
// two sides set up apart (another sync secret, another storage, another basePath or usersSlug)
// each name the mismatch at start, whichever starts first, and `doctor` reports it too.

describe('supported versions', () => {
  const manifestVersion = (name: string) =>
    (
      JSON.parse(
        readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8'),
      ) as { version: string }
    ).version

  it('reads the installed versions from each package, and they are supported', () => {
    const installed = installedVersions()
    expect(installed).toEqual({
      'better-auth': manifestVersion('better-auth'),
      payload: manifestVersion('payload'),
      next: manifestVersion('next'),
    })
    expect(checkVersions(installed)).toBeNull()
    expect(() => assertSupportedVersions('test')).not.toThrow()
  })

  it('names every peer out of range, with the version found and the range, in one message', () => {
    // Ranges of their own, so that the edges below do not move with SUPPORTED_VERSIONS.
    const ranges = {
      'better-auth': '>=1.7.0 <1.8.0',
      payload: '>=3.90.0 <3.91.0',
      next: '>=15.5.0 <17.0.0',
    }
    const error = checkVersions(
      { 'better-auth': '1.8.0', payload: '3.90.2', next: '14.2.3' },
      ranges,
    )
    expect(error).toBeInstanceOf(PayloadBetterAuthError)
    expect(error?.problem).toBe(
      'payload-better-auth does not support the installed better-auth 1.8.0 (supported: >=1.7.0 <1.8.0), next 14.2.3 (supported: >=15.5.0 <17.0.0).',
    )
    expect(error?.fix).toContain(ALLOW_UNSUPPORTED_VERSIONS_ENV)
    // Older than the range, a prerelease of the next minor, a patch inside, and not installed.
    expect(checkVersions({ payload: '3.89.9' }, ranges)?.message).toContain('payload 3.89.9')
    expect(checkVersions({ 'better-auth': '1.8.0-beta.1' }, ranges)?.message).toContain(
      'better-auth 1.8.0-beta.1',
    )
    expect(checkVersions({ 'better-auth': '1.7.99', payload: '3.90.0' }, ranges)).toBeNull()
    expect(checkVersions({ 'better-auth': null, payload: null, next: null }, ranges)).toBeNull()
    // The real ranges refuse versions far outside them.
    const far = checkVersions({ 'better-auth': '0.1.0', payload: '2.0.0', next: '9.0.0' })
    for (const peer of ['better-auth', 'payload', 'next'] as const) {
      expect(far?.problem).toContain(`(supported: ${SUPPORTED_VERSIONS[peer]})`)
    }
  })

  it('judges the real installed versions against other ranges', () => {
    const installed = installedVersions()
    const error = checkVersions(installed, { ...SUPPORTED_VERSIONS, payload: '>=4.0.0' })
    expect(error?.problem).toBe(
      `payload-better-auth does not support the installed payload ${installed.payload} (supported: >=4.0.0).`,
    )
  })

  it('stops the start (both plugins call it first), unless the escape hatch is set', () => {
    const tooNew = { 'better-auth': '9.0.0' }
    expect(() => assertSupportedVersions('[test]', tooNew)).toThrow(/better-auth 9\.0\.0/)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.stubEnv(ALLOW_UNSUPPORTED_VERSIONS_ENV, '1')
    try {
      expect(() => assertSupportedVersions('[test]', tooNew)).not.toThrow()
      expect(() => assertSupportedVersions('[test]', tooNew)).not.toThrow()
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toContain('Starting anyway')
    } finally {
      vi.unstubAllEnvs()
      warn.mockRestore()
    }
  })
})

const OTHER_SYNC_SECRET = 'another-sync-secret-0123456789abcdef-0123'

/** What each side logged at error level: Payload's pino lines, Better Auth's logger calls. */
function logsOf() {
  const payload: string[] = []
  const betterAuth: string[] = []
  return {
    payload,
    betterAuth,
    /** Better Auth's `logger` option that keeps its error lines. */
    betterAuthLogger: {
      level: 'error' as const,
      log: (level: string, message: string) => {
        if (level === 'error') betterAuth.push(message)
      },
    },
    payloadErrors: () =>
      payload
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level >= 50)
        .map((entry) => entry.msg),
  }
}

const apps: TestPayload[] = []
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

async function payloadSide(
  logs: string[],
  plugin: { storage: SecondaryStorage; eventBus: EventBus } & Record<string, unknown>,
) {
  const app = await startPayload('sqlite', { logs, plugin })
  apps.push(app)
  return app
}

function betterAuthSide(args: {
  payload: () => Promise<Payload>
  config: SanitizedConfig
  storage: SecondaryStorage
  eventBus: EventBus
  logger: ReturnType<typeof logsOf>['betterAuthLogger']
}) {
  return createSyncedAuth({ ...args, options: { logger: args.logger } })
}

const failures = (lines: CheckLine[]) =>
  lines.filter((line) => line.status === 'FAIL').map(formatLine)

describe('the two sides set up apart', () => {
  it('another BA_TO_PAYLOAD_SECRET (Better Auth first): both sides name it; doctor reports it', async () => {
    const logs = logsOf()
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    let app: TestPayload | undefined
    const synced = await betterAuthSide({
      payload: async () => (app as TestPayload).payload,
      config: {} as SanitizedConfig,
      storage,
      eventBus,
      logger: logs.betterAuthLogger,
    })
    // Better Auth started alone: nothing to compare yet.
    expect(logs.betterAuth).toEqual([])
    app = await payloadSide(logs.payload, { storage, eventBus, syncSecret: OTHER_SYNC_SECRET })

    const named = 'BA_TO_PAYLOAD_SECRET differs between the sides'
    // Payload, second, at its start; Better Auth, first, when it hears Payload on the bus.
    await eventually(() => expect(logs.payloadErrors().join('\n')).toContain(named))
    await eventually(() => expect(logs.betterAuth.join('\n')).toContain(named))
    expect(logs.payloadErrors().find((line) => line.includes(named))).toMatch(
      /^\[payload\] .*Set the same BA_TO_PAYLOAD_SECRET/,
    )
    expect(logs.betterAuth.filter((line) => line.includes(named))).toHaveLength(1)
    expect(logs.betterAuth.join('\n')).not.toContain('different storages')

    const lines = await runDoctor({ config: app.payload.config, auth: synced.auth })
    expect(failures(lines)).toContain(
      'FAIL sync secret differs between the sides: Payload refuses every sync write from Better Auth — set the same BA_TO_PAYLOAD_SECRET on both (or the same syncSecret option in both plugins)',
    )
    // The running sides' probes say the same.
    expect(failures(lines).join('\n')).toContain(`running Payload: ${named}`)
    expect(failures(lines).join('\n')).not.toContain('different storages')
  })

  it('another storage (Payload first): both sides name it; doctor reports it', async () => {
    const logs = logsOf()
    const eventBus = createMemoryEventBus()
    const payloadStorage = createMemoryStorage()
    const betterAuthStorage = createMemoryStorage()
    const app = await payloadSide(logs.payload, { storage: payloadStorage, eventBus })
    const synced = await betterAuthSide({
      payload: async () => app.payload,
      config: app.payload.config,
      storage: betterAuthStorage,
      eventBus,
      logger: logs.betterAuthLogger,
    })

    const named = 'The two sides use different storages'
    // Payload, first, when it hears Better Auth on the bus; Better Auth, second, when Payload
    // answers with its own start.
    await eventually(() => expect(logs.payloadErrors().join('\n')).toContain(named))
    await eventually(() => expect(logs.betterAuth.join('\n')).toContain(named))
    expect(logs.payloadErrors().join('\n')).toContain(
      'Better Auth started at 20', // an ISO time
    )
    expect(logs.payloadErrors().join('\n')).toContain(
      "not in Payload's storage (memory (this process only))",
    )
    expect(logs.betterAuth.join('\n')).toContain('Give both plugins the same storage')
    expect(logs.betterAuth.join('\n')).not.toContain('BA_TO_PAYLOAD_SECRET differs')

    const lines = await runDoctor({ config: app.payload.config, auth: synced.auth })
    expect(failures(lines).join('\n')).toContain(
      'FAIL the two sides use different storages (Payload: memory (this process only); Better Auth: memory (this process only))',
    )
    expect(failures(lines).join('\n')).not.toContain('sync secret differs')
  })

  it('another basePath and usersSlug: both sides name each, with both values', async () => {
    const logs = logsOf()
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const app = await payloadSide(logs.payload, {
      storage,
      eventBus,
      usersSlug: 'members',
      betterAuthClientOptions: {
        externalBaseURL: 'http://localhost:3000',
        internalBaseURL: 'http://127.0.0.1:9',
        basePath: '/auth',
      },
    })
    const synced = await betterAuthSide({
      payload: async () => app.payload,
      config: app.payload.config,
      storage,
      eventBus,
      logger: logs.betterAuthLogger,
    })
    for (const errors of [() => logs.payloadErrors(), () => logs.betterAuth]) {
      await eventually(() => {
        const text = errors().join('\n')
        expect(text).toContain('basePath differs between the sides (compared with')
        expect(text).toContain(
          'Payload has "/auth" (betterAuthClientOptions.basePath), Better Auth has "/api/auth" (Better Auth\'s basePath)',
        )
        expect(text).toContain(
          'Payload has "members" (usersSlug), Better Auth has "users" (usersSlug)',
        )
      })
    }
    const lines = await runDoctor({ config: app.payload.config, auth: synced.auth })
    expect(failures(lines).join('\n')).toContain('FAIL basePath differs between the sides')
    expect(failures(lines).join('\n')).toContain('FAIL usersSlug differs between the sides')
  })

  it('another storage and another event bus: Payload names it from Better Auth’s warmup answer', async () => {
    const logs = logsOf()
    // Better Auth served over HTTP, not answering until it has started.
    let handler: ReturnType<typeof toNodeHandler> | undefined
    const server = createServer((req, res) => {
      if (handler) return handler(req, res)
      res.statusCode = 503
      res.end()
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const app = await payloadSide(logs.payload, {
      storage: createMemoryStorage(),
      eventBus: createMemoryEventBus(),
      betterAuthClientOptions: {
        externalBaseURL: 'http://localhost:3000',
        internalBaseURL: `http://127.0.0.1:${port}`,
      },
    })
    const synced = await betterAuthSide({
      payload: async () => app.payload,
      config: app.payload.config,
      storage: createMemoryStorage(),
      eventBus: createMemoryEventBus(),
      logger: logs.betterAuthLogger,
    })
    handler = toNodeHandler(synced.auth)
    await eventually(
      () =>
        expect(logs.payloadErrors().join('\n')).toContain(
          `The two sides use different storages: Better Auth started at`,
        ),
      { timeoutMs: 15_000 },
    )
    expect(logs.payloadErrors().join('\n')).toContain(
      `it answered the warmup at http://127.0.0.1:${port}/api/auth/warmup`,
    )
  })

  it('set up alike: no side logs a mismatch, whichever starts first', async () => {
    const logs = logsOf()
    const storage = createMemoryStorage()
    const eventBus = createMemoryEventBus()
    const first = await payloadSide(logs.payload, { storage, eventBus })
    await betterAuthSide({
      payload: async () => first.payload,
      config: first.payload.config,
      storage,
      eventBus,
      logger: logs.betterAuthLogger,
    })
    // Payload restarts after Better Auth: both compare again.
    await payloadSide(logs.payload, { storage, eventBus })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const mismatch = /differs between the sides|different storages|start-up probe/
    expect(logs.payloadErrors().filter((line) => mismatch.test(line))).toEqual([])
    expect(logs.betterAuth.filter((line) => mismatch.test(line))).toEqual([])
  })
})

describeWithRedis('start-up subscriptions on Redis', (url) => {
  it('a subscription made while ioredis checks a new connection (status "connect") is not lost', async () => {
    // Each side subscribes to two services at start, the second while the lazily connected
    // subscriber may be in its ready check: ioredis then writes SUBSCRIBE at once, and the check
    // (INFO) fails on a connection already in subscriber mode.
    const publisher = new IORedis(url())
    const subscriber = new IORedis(url(), { lazyConnect: true })
    subscriber.on('error', () => {})
    const bus = createRedisEventBus({ publisher, subscriber })
    const heard: string[] = []
    const service = (name: string) => `startup-checks-${name}-${Date.now()}`
    const [first, second] = [service('first'), service('second')]
    subscriber.once('connect', () => {
      expect(subscriber.status).toBe('connect')
      bus.subscribeToTimestamp(second, () => heard.push('second'))
    })
    bus.subscribeToTimestamp(first, () => heard.push('first'))
    try {
      await bus.ready()
      bus.notifyTimestampChange(first, 1)
      bus.notifyTimestampChange(second, 2)
      await eventually(() => expect(heard.sort()).toEqual(['first', 'second']))
      expect(subscriber.status).toBe('ready')
    } finally {
      await bus.close()
      publisher.disconnect()
      subscriber.disconnect()
    }
  })
})
