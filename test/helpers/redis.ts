import { randomUUID } from 'node:crypto'
import { Redis as IORedis } from 'ioredis'
import { createClient } from 'redis'
import { createClient as createClientV4 } from 'redis4'
import { afterAll, describe, inject, it } from 'vitest'
import type { RedisClient, RedisSubscriber } from '../../src/shared/redisClient.ts'

/** Both client libraries (and both node-redis majors), each as the app would create it. */
export interface RedisClientKind {
  name: 'ioredis' | 'node-redis v5' | 'node-redis v4'
  connect(url: string): Promise<RedisClient & RedisSubscriber>
  close(client: RedisClient): Promise<void>
}

export const redisClientKinds: RedisClientKind[] = [
  {
    name: 'ioredis',
    async connect(url) {
      const client = new IORedis(url, { lazyConnect: false })
      client.on('error', () => {})
      return client
    },
    async close(client) {
      ;(client as IORedis).disconnect()
    },
  },
  {
    name: 'node-redis v5',
    async connect(url) {
      const client = createClient({ url })
      client.on('error', () => {})
      await client.connect()
      return client as unknown as RedisClient & RedisSubscriber
    },
    async close(client) {
      const nodeRedis = client as unknown as ReturnType<typeof createClient>
      if (nodeRedis.isOpen) nodeRedis.destroy()
    },
  },
  {
    name: 'node-redis v4',
    async connect(url) {
      const client = createClientV4({ url })
      client.on('error', () => {})
      await client.connect()
      return client as unknown as RedisClient & RedisSubscriber
    },
    async close(client) {
      const nodeRedis = client as unknown as ReturnType<typeof createClientV4>
      if (nodeRedis.isOpen) await nodeRedis.disconnect()
    },
  },
]

/**
 * A describe block for cases that need the machine's Redis. When Redis does not answer, the block
 * is skipped (the global setup prints why), or, with CI=true, replaced by one failing case: its
 * body never runs, so no client is left reconnecting to a dead server.
 */
export function describeWithRedis(name: string, body: (url: () => string) => void): void {
  const url = inject('redisUrl')
  if (url) {
    describe(name, () => body(() => url))
  } else if (inject('servicesRequired')) {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`CI=true requires Redis, and it does not answer: ${name} cannot run`)
      })
    })
  } else {
    describe.skip(name, () => body(() => 'redis://unreachable'))
  }
}

/** A key prefix no other test run shares, and the cleanup of everything written under it. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID()}:`
}

export function cleanupPrefixAfterAll(url: () => string, prefix: () => string): void {
  afterAll(async () => {
    const client = new IORedis(url())
    try {
      const keys = await client.keys(`${prefix()}*`)
      if (keys.length > 0) await client.del(...keys)
    } finally {
      client.disconnect()
    }
  })
}
