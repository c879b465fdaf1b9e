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

/** What the helpers do with a node-redis client, alike in v4 and v5. */
interface NodeRedisHandle {
  on(event: 'error', listener: (error: Error) => void): unknown
  connect(): Promise<unknown>
  disconnect(): Promise<unknown>
  readonly isOpen: boolean
}

function nodeRedisKind(
  name: RedisClientKind['name'],
  create: (options: { url: string }) => NodeRedisHandle,
): RedisClientKind {
  return {
    name,
    async connect(url) {
      const client = create({ url })
      client.on('error', () => {})
      await client.connect()
      return client as unknown as RedisClient & RedisSubscriber
    },
    async close(client) {
      const nodeRedis = client as unknown as NodeRedisHandle
      if (nodeRedis.isOpen) await nodeRedis.disconnect()
    },
  }
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
  nodeRedisKind('node-redis v5', createClient),
  nodeRedisKind('node-redis v4', createClientV4),
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
