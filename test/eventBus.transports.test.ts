import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { Redis as IORedis } from 'ioredis'
import {
  type ClosableEventBus,
  createRedisEventBus,
  createSqlitePollingEventBus,
  StorageUnavailableError,
} from 'payload-better-auth/eventBus'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { eventually, sleep } from './helpers/eventually.ts'
import { type Peer, startPeer } from './helpers/peer.ts'
import { hasRedisServer, startPrivateRedis } from './helpers/privateRedis.ts'
import { describeWithRedis, redisClientKinds, uniquePrefix } from './helpers/redis.ts'
import { tempDir } from './helpers/tempDir.ts'

const dir = tempDir('bus-transports')
let files = 0
const freshPath = () => join(dir, `bus-${files++}.db`)

/** This process and the peer each notify what the other subscribed to, and both hear it. */
async function expectExchange(bus: ClosableEventBus, peer: Peer) {
  const here: number[] = []
  bus.subscribeToTimestamp('payload', (ts) => here.push(ts))
  await bus.ready()
  await peer.request('subscribe', { service: 'better-auth' })

  bus.notifyTimestampChange('better-auth', 1001)
  await peer.request('notify', { service: 'payload', timestamp: 2002 })
  await eventually(() => {
    expect(peer.received('better-auth')).toEqual([1001])
    expect(here).toEqual([2002])
  })
}

const peers: Peer[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()))
  vi.restoreAllMocks()
})

describe('createSqlitePollingEventBus', () => {
  it('delivers across two OS processes, both ways', async () => {
    const path = freshPath()
    const db = new DatabaseSync(path)
    const bus = createSqlitePollingEventBus({ db, pollInterval: 20 })
    const peer = await startPeer({ eventBus: { kind: 'sqlite', path, pollInterval: 20 } })
    peers.push(peer)
    await expectExchange(bus, peer)
    await bus.close()
    db.close()
  })

  it('takes at most about one poll interval to deliver', async () => {
    const db = new DatabaseSync(freshPath())
    const bus = createSqlitePollingEventBus({ db, pollInterval: 200 })
    let deliveredAfter = -1
    const started = Date.now()
    bus.subscribeToTimestamp('payload', () => {
      deliveredAfter = Date.now() - started
    })
    bus.notifyTimestampChange('payload', 1)
    await eventually(() => expect(deliveredAfter).toBeGreaterThanOrEqual(0))
    expect(deliveredAfter).toBeLessThan(200 + 150)
    await bus.close()
    db.close()
  })

  it('deletes events older than cleanupAge every cleanupInterval', async () => {
    const db = new DatabaseSync(freshPath())
    const bus = createSqlitePollingEventBus({ db, cleanupInterval: 50, cleanupAge: 100 })
    for (let i = 0; i < 5; i++) bus.notifyTimestampChange('payload', i)
    const rows = () =>
      (db.prepare('SELECT COUNT(*) AS n FROM better_auth_events').get() as { n: number }).n
    expect(rows()).toBe(5)
    await eventually(() => expect(rows()).toBe(0), { timeoutMs: 2_000 })
    await bus.close()
    db.close()
  })

  it.each(['production', 'staging'])('warns when NODE_ENV is %s', async (environment) => {
    vi.stubEnv('NODE_ENV', environment)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const db = new DatabaseSync(':memory:')
    await createSqlitePollingEventBus({ db }).close()
    expect(String(warn.mock.calls[0])).toMatch(/use createRedisEventBus/)
    vi.unstubAllEnvs()
    db.close()
  })

  it('does not warn in development', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const db = new DatabaseSync(':memory:')
    await createSqlitePollingEventBus({ db }).close()
    expect(warn).not.toHaveBeenCalled()
    vi.unstubAllEnvs()
    db.close()
  })

  it('refuses intervals that are not positive numbers', () => {
    const db = new DatabaseSync(':memory:')
    expect(() => createSqlitePollingEventBus({ db, pollInterval: 0 })).toThrow(/pollInterval/)
    expect(() => createSqlitePollingEventBus({ db, cleanupAge: -1 })).toThrow(/cleanupAge/)
    db.close()
  })
})

describeWithRedis('createRedisEventBus', (url) => {
  it('delivers across two OS processes, ioredis here and node-redis there, both ways', async () => {
    const channelPrefix = uniquePrefix('xproc-bus')
    const publisher = new IORedis(url())
    const subscriber = new IORedis(url())
    const bus = createRedisEventBus({ publisher, subscriber, channelPrefix })
    const peer = await startPeer({
      eventBus: { kind: 'redis', client: 'node-redis', url: url(), prefix: channelPrefix },
    })
    peers.push(peer)
    await expectExchange(bus, peer)
    await bus.close()
    publisher.disconnect()
    subscriber.disconnect()
  })

  it("uses the 'eventbus:' channel prefix by default", async () => {
    const publisher = new IORedis(url())
    const subscriber = new IORedis(url())
    const spy = new IORedis(url())
    const seen: string[] = []
    spy.on('pmessage', (_pattern, channel) => seen.push(channel))
    await spy.psubscribe('eventbus:*')
    const bus = createRedisEventBus({ publisher, subscriber })
    bus.notifyTimestampChange('pba-test-service', 1)
    await eventually(() => expect(seen).toContain('eventbus:timestamp:pba-test-service'))
    await bus.close()
    for (const client of [publisher, subscriber, spy]) client.disconnect()
  })

  it('refuses one connection for both roles', () => {
    const client = new IORedis(url(), { lazyConnect: true })
    expect(() => createRedisEventBus({ publisher: client, subscriber: client })).toThrow(
      /two connections/,
    )
  })
})

const servicesRequired = inject('servicesRequired')
describe.skipIf(!hasRedisServer && !servicesRequired)(
  'createRedisEventBus on a private Redis',
  () => {
    for (const kind of redisClientKinds) {
      it(`${kind.name}: subscriptions survive a Redis restart`, async () => {
        const server = await startPrivateRedis()
        const publisher = await kind.connect(server.url)
        const subscriber = await kind.connect(server.url)
        const bus = createRedisEventBus({ publisher, subscriber, commandTimeoutMs: 500 })
        vi.spyOn(console, 'error').mockImplementation(() => {})
        try {
          const received: number[] = []
          bus.subscribeToTimestamp('payload', (ts) => received.push(ts))
          await bus.ready()
          bus.notifyTimestampChange('payload', 1)
          await eventually(() => expect(received).toEqual([1]))

          await server.stop()
          await sleep(300)
          await server.start()
          // Pub/Sub does not queue: notify until the resubscribed connection hears one.
          await eventually(
            () => {
              bus.notifyTimestampChange('payload', 2)
              expect(received).toContain(2)
            },
            { intervalMs: 100 },
          )
        } finally {
          await bus.close()
          await kind.close(publisher)
          await kind.close(subscriber)
          await server.stop()
        }
      })
    }

    it('with Redis down: ready() rejects with a clear error and notify() logs instead of throwing', async () => {
      const server = await startPrivateRedis()
      await server.stop()
      const publisher = new IORedis(server.url)
      const subscriber = new IORedis(server.url)
      for (const client of [publisher, subscriber]) client.on('error', () => {})
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
      const bus = createRedisEventBus({ publisher, subscriber, commandTimeoutMs: 300 })
      try {
        bus.subscribeToTimestamp('payload', () => {})
        const error = await bus.ready().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StorageUnavailableError)
        expect(String(error)).toMatch(
          /createRedisEventBus: Redis SUBSCRIBE .*Check that Redis is running/,
        )

        expect(() => bus.notifyTimestampChange('payload', 1)).not.toThrow()
        await eventually(() =>
          expect(logged.mock.calls.map(String).join('\n')).toMatch(/could not publish "payload"/),
        )
      } finally {
        await bus.close()
        publisher.disconnect()
        subscriber.disconnect()
      }
    })
  },
)
