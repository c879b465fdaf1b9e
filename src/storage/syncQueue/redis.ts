import type { SendCommand } from '../../shared/redisClient.ts'
import type { SyncQueueStore } from '../types.ts'

// The sync queue in Redis: a sorted set of groups by due time, two hashes (group → task, group →
// version) and a version counter; records as a sorted set by expiry plus a hash of values. Every
// change is one Lua script, so it is atomic; no command walks the keyspace.

const PUT = `local v = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], v)
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
return v`

const READ = `local v = redis.call('HGET', KEYS[2], ARGV[1])
if not v then return false end
return {redis.call('HGET', KEYS[1], ARGV[1]), v, redis.call('ZSCORE', KEYS[3], ARGV[1])}`

const RESCHEDULE = `if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1`

const SETTLE = `if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`

// Records: expired ones leave both structures whenever one is kept.
const KEEP = `for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])) do
  redis.call('HDEL', KEYS[2], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`

const LIST = `local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  table.insert(out, id)
  table.insert(out, redis.call('HGET', KEYS[2], id) or '')
end
return out`

const TAKE = `local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local value = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if not score or tonumber(score) <= tonumber(ARGV[2]) then return false end
return value`

export function createRedisSyncQueue(send: SendCommand, prefix: string): SyncQueueStore {
  const key = (name: string) => `${prefix}queue:${name}`
  const tasks = [key('tasks'), key('versions'), key('due')]
  const recordKeys = (kind: string) => [key(`records:${kind}`), key(`record-values:${kind}`)]
  const run = (script: string, keys: string[], ...args: Array<string | number>) =>
    send('EVAL', script, String(keys.length), ...keys, ...args.map(String))

  return {
    async put(group, task, notBefore) {
      return Number(await run(PUT, [key('version'), ...tasks], group, task, notBefore))
    },
    async read(group) {
      const reply = (await run(READ, tasks, group)) as [string, string, string | null] | null
      if (!reply) return null
      const [task, version, notBefore] = reply
      return { task, version: Number(version), notBefore: Number(notBefore) }
    },
    async due(now, limit) {
      return (await send(
        'ZRANGEBYSCORE',
        key('due'),
        '-inf',
        String(now),
        'LIMIT',
        '0',
        String(limit),
      )) as string[]
    },
    async reschedule(group, version, task, notBefore) {
      return Number(await run(RESCHEDULE, tasks, group, version, task, notBefore)) === 1
    },
    async settle(group, version) {
      return Number(await run(SETTLE, tasks, group, version)) === 1
    },
    async size() {
      return Number(await send('ZCARD', key('due')))
    },
    async keep(kind, id, value, ttlMs) {
      const now = Date.now()
      await run(KEEP, recordKeys(kind), id, value, now + ttlMs, now)
    },
    async list(kind, limit) {
      const flat = (await run(LIST, recordKeys(kind), Date.now(), limit)) as string[]
      const out: Array<{ id: string; value: string }> = []
      for (let i = 0; i < flat.length; i += 2) {
        out.push({ id: flat[i] as string, value: flat[i + 1] as string })
      }
      return out
    },
    async count(kind) {
      const [records] = recordKeys(kind)
      return Number(await send('ZCOUNT', records as string, `(${Date.now()}`, '+inf'))
    },
    async take(kind, id) {
      return ((await run(TAKE, recordKeys(kind), id, Date.now())) as string | null) ?? null
    },
  }
}
