import { Redis as IORedis } from 'ioredis'
import { createRedisStorage, StorageUnavailableError } from 'payload-better-auth/storage'
import { createClient } from 'redis'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import { eventually } from './helpers/eventually.ts'
import { type Peer, startPeer } from './helpers/peer.ts'
import { hasRedisServer, startPrivateRedis } from './helpers/privateRedis.ts'
import {
  cleanupPrefixAfterAll,
  describeWithRedis,
  redisClientKinds,
  uniquePrefix,
} from './helpers/redis.ts'

describeWithRedis('createRedisStorage on the shared Redis', (url) => {
  const prefix = uniquePrefix('redis-storage')
  cleanupPrefixAfterAll(url, () => prefix)
  cleanupPrefixAfterAll(url, () => 'ba:pba-default-prefix-test')
  const raw = new IORedis(inject('redisUrl') ?? 'redis://127.0.0.1:6379', { lazyConnect: true })
  afterAll(() => raw.disconnect())

  it("prefixes every key, with 'ba:' by default", async () => {
    const storage = createRedisStorage({ redis: raw })
    await storage.set('pba-default-prefix-test', 'v')
    expect(await raw.get('ba:pba-default-prefix-test')).toBe('v')

    const custom = createRedisStorage({ redis: raw, prefix })
    await custom.set('k', 'v2')
    expect(await raw.get(`${prefix}k`)).toBe('v2')
    expect(await raw.exists('k')).toBe(0)
  })

  it('leaves expiry to Redis: set and increment carry a native TTL', async () => {
    const storage = createRedisStorage({ redis: raw, prefix })
    await storage.set('session', 'v', 60)
    await storage.increment('counter', 30)
    await storage.increment('counter', 30)
    const sessionTtl = await raw.pttl(`${prefix}session`)
    const counterTtl = await raw.pttl(`${prefix}counter`)
    expect(sessionTtl).toBeGreaterThan(59_000)
    expect(sessionTtl).toBeLessThanOrEqual(60_000)
    expect(counterTtl).toBeGreaterThan(29_000)
    expect(counterTtl).toBeLessThanOrEqual(30_000)
    await storage.set('session', 'v')
    expect(await raw.pttl(`${prefix}session`)).toBe(-1)
  })

  it("passes Redis's own reply errors through unchanged", async () => {
    const storage = createRedisStorage({ redis: raw, prefix })
    await storage.set('text', 'not a number')
    const error = await storage.increment('text', 60).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(StorageUnavailableError)
    expect(String(error)).toMatch(/not an integer/)
  })

  describe('across two OS processes (ioredis and node-redis)', () => {
    const peers: Peer[] = []
    afterEach(async () => {
      await Promise.all(peers.splice(0).map((peer) => peer.stop()))
    })

    it('increment and getAndDelete stay atomic', async () => {
      const shared = `${prefix}xproc:`
      peers.push(
        await startPeer({
          storage: { kind: 'redis', client: 'ioredis', url: url(), prefix: shared },
        }),
        await startPeer({
          storage: { kind: 'redis', client: 'node-redis', url: url(), prefix: shared },
        }),
      )
      const counts = await Promise.all(
        peers.map((peer) =>
          peer.request<number[]>('incrementMany', { key: 'hits', ttl: 60, times: 100 }),
        ),
      )
      expect(counts.flat().sort((a, b) => a - b)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      )

      await raw.set(`${shared}prize`, 'one winner')
      const takes = await Promise.all(
        peers.map((peer) =>
          peer.request<Array<string | null>>('getAndDeleteMany', { key: 'prize', times: 25 }),
        ),
      )
      expect(takes.flat().filter((value) => value !== null)).toEqual(['one winner'])
    })
  })
})

const servicesRequired = inject('servicesRequired')
describe.skipIf(!hasRedisServer && !servicesRequired)(
  'createRedisStorage on a private Redis',
  () => {
    for (const kind of redisClientKinds) {
      it(`${kind.name}: fails fast while Redis is down and works again once it restarts`, async () => {
        const server = await startPrivateRedis()
        const client = await kind.connect(server.url)
        const storage = createRedisStorage({ redis: client, commandTimeoutMs: 500 })
        try {
          await storage.set('before', 'v')
          expect(await storage.get('before')).toBe('v')

          await server.stop()
          const started = Date.now()
          const error = await eventually(async () => {
            const failure = await storage.get('before').then(
              () => undefined,
              (e: unknown) => e,
            )
            if (!failure) throw new Error('still answering')
            return failure
          })
          expect(error).toBeInstanceOf(StorageUnavailableError)
          expect(String(error)).toMatch(/Check that Redis is running/)
          expect(Date.now() - started).toBeLessThan(5_000)

          await server.start()
          await eventually(async () => {
            await storage.set('after', 'restart')
            expect(await storage.get('after')).toBe('restart')
          })
          expect(await storage.increment('counter', 60)).toBe(1)
        } finally {
          await kind.close(client)
          await server.stop()
        }
      })
    }

    it('a Redis that never answers gives a clear error within the timeout, for both clients', async () => {
      const server = await startPrivateRedis()
      await server.stop() // now nothing listens on server.port

      const ioredis = new IORedis(server.url)
      ioredis.on('error', () => {})
      const neverConnected = createClient({ url: server.url })
      const connecting = createClient({ url: server.url })
      connecting.on('error', () => {})
      connecting.connect().catch(() => {})
      try {
        for (const redis of [ioredis, neverConnected, connecting]) {
          const storage = createRedisStorage({ redis, commandTimeoutMs: 300 })
          const started = Date.now()
          const error = await storage.get('k').catch((e: unknown) => e)
          expect(error).toBeInstanceOf(StorageUnavailableError)
          expect(String(error)).toMatch(/createRedisStorage: Redis GET/)
          expect(Date.now() - started).toBeLessThan(2_000)
        }
        const neverConnectedError = await createRedisStorage({ redis: neverConnected })
          .get('k')
          .catch((e: unknown) => e)
        expect(String(neverConnectedError)).toMatch(/client\.connect\(\)/)
      } finally {
        ioredis.disconnect()
        connecting.destroy()
      }
    })

    it('refuses something that is not a Redis client, saying what it expects', () => {
      expect(() => createRedisStorage({ redis: {} as never })).toThrow(
        /ioredis client .* node-redis/,
      )
    })
  },
)
