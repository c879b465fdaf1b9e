import { describedAs, redisAddress } from '../shared/description.ts'
import { createCommandSender, type RedisClient } from '../shared/redisClient.ts'
import { createRedisSyncQueue } from './syncQueue/redis.ts'
import { incrementTtlMs, ttlMs } from './ttl.ts'
import type { ListableStorage, QueueingStorage } from './types.ts'

export interface RedisStorageOptions {
  /** An ioredis client, or a connected node-redis v4/v5 client. */
  redis: RedisClient
  /** Prepended to every key. Default `ba:`. */
  prefix?: string
  /** A command that gets no answer within this many ms fails with `StorageUnavailableError`. Default 5 000. */
  commandTimeoutMs?: number
}

// INCR creates a missing key at 1; only then does it get its expiry, so the window is fixed.
const INCREMENT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`

/** A store in Redis (>= 6.2): shared by every process, expiry native. */
export function createRedisStorage(
  options: RedisStorageOptions,
): ListableStorage & QueueingStorage {
  const { redis, prefix = 'ba:', commandTimeoutMs = 5_000 } = options
  const send = createCommandSender(redis, {
    owner: 'createRedisStorage',
    timeoutMs: commandTimeoutMs,
  })

  const storage: ListableStorage & QueueingStorage = {
    syncQueue: createRedisSyncQueue(send, prefix),
    async get(key) {
      return (await send('GET', prefix + key)) as string | null
    },
    async set(key, value, ttl) {
      const ms = ttlMs(ttl)
      if (ms === null) await send('SET', prefix + key, value)
      else await send('SET', prefix + key, value, 'PX', String(ms))
    },
    async delete(key) {
      await send('DEL', prefix + key)
    },
    async getAndDelete(key) {
      return (await send('GETDEL', prefix + key)) as string | null
    },
    async increment(key, ttl) {
      const ms = incrementTtlMs(ttl)
      return Number(await send('EVAL', INCREMENT_SCRIPT, '1', prefix + key, String(ms)))
    },
    async listKeys(keyPrefix) {
      // SCAN walks without blocking Redis; it may repeat a key, hence the set.
      const pattern = `${(prefix + keyPrefix).replace(/[\\*?[\]]/g, '\\$&')}*`
      const keys = new Set<string>()
      let cursor = '0'
      do {
        const [next, batch] = (await send('SCAN', cursor, 'MATCH', pattern, 'COUNT', '500')) as [
          string,
          string[],
        ]
        cursor = next
        for (const key of batch) keys.add(key.slice(prefix.length))
      } while (cursor !== '0')
      return [...keys]
    },
  }
  return describedAs(storage, `${redisAddress(redis)}, prefix ${prefix}`)
}
