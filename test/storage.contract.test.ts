import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import {
  createMemoryStorage,
  createRedisStorage,
  createSqliteStorage,
  type ListableStorage,
} from 'payload-better-auth/storage'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sleep } from './helpers/eventually.ts'
import {
  cleanupPrefixAfterAll,
  describeWithRedis,
  redisClientKinds,
  uniquePrefix,
} from './helpers/redis.ts'
import { tempDir } from './helpers/tempDir.ts'

/**
 * One store under test. `handles` are independent handles on the same data (other connections or
 * database handles) so that concurrency cases really race; `handles[0]` is `storage`.
 */
interface StoreUnderTest {
  handles: ListableStorage[]
  close(): Promise<void>
}

const unicode = 'héllo wörld — 你好 — 🚀👩‍👩‍👧 — ∑∞ — \u00a0tab\tnew\nline "quotes" \\ back'
const oneMegabyte = `${'x'.repeat(1024 * 1024 - 6)}✓é🚀`

function storageContract(name: string, open: () => Promise<StoreUnderTest>) {
  describe(`ListableStorage contract: ${name}`, () => {
    let store: StoreUnderTest
    let storage: ListableStorage
    beforeEach(async () => {
      store = await open()
      storage = store.handles[0] as ListableStorage
    })
    afterEach(() => store.close())

    it('answers null for a key never written, and deleting it is harmless', async () => {
      expect(await storage.get('missing')).toBeNull()
      expect(await storage.getAndDelete('missing')).toBeNull()
      await expect(storage.delete('missing')).resolves.toBeUndefined()
    })

    it('reads back what it wrote, and an overwrite replaces it', async () => {
      await storage.set('k', 'one')
      expect(await storage.get('k')).toBe('one')
      await storage.set('k', 'two')
      expect(await storage.get('k')).toBe('two')
    })

    it('keeps unicode and 1 MB values byte for byte', async () => {
      await storage.set('unicode', unicode)
      await storage.set('big', oneMegabyte)
      expect(await storage.get('unicode')).toBe(unicode)
      const big = await storage.get('big')
      expect(big?.length).toBe(oneMegabyte.length)
      expect(big === oneMegabyte).toBe(true)
    })

    it('keeps keys with separators, spaces and unicode apart', async () => {
      await storage.set('a:b c', '1')
      await storage.set('a:b', '2')
      await storage.set('ключ-🔑', '3')
      expect(await storage.get('a:b c')).toBe('1')
      expect(await storage.get('a:b')).toBe('2')
      expect(await storage.get('ключ-🔑')).toBe('3')
    })

    it('deletes', async () => {
      await storage.set('k', 'v')
      await storage.delete('k')
      expect(await storage.get('k')).toBeNull()
    })

    it('expires a key after its TTL, and never returns it afterwards', async () => {
      await storage.set('short', 'v', 0.3)
      await storage.set('forever', 'v')
      await storage.set('zero', 'v', 0)
      expect(await storage.get('short')).toBe('v')
      await sleep(450)
      expect(await storage.get('short')).toBeNull()
      expect(await storage.getAndDelete('short')).toBeNull()
      expect(await storage.get('forever')).toBe('v')
      expect(await storage.get('zero')).toBe('v')
    })

    it('an overwrite without TTL makes a key permanent, and one with TTL makes it expire', async () => {
      await storage.set('k', 'temporary', 0.3)
      await storage.set('k', 'permanent')
      await storage.set('j', 'permanent')
      await storage.set('j', 'temporary', 0.3)
      await sleep(450)
      expect(await storage.get('k')).toBe('permanent')
      expect(await storage.get('j')).toBeNull()
    })

    it('getAndDelete returns the value once', async () => {
      await storage.set('once', 'v')
      expect(await storage.getAndDelete('once')).toBe('v')
      expect(await storage.getAndDelete('once')).toBeNull()
      expect(await storage.get('once')).toBeNull()
    })

    it('getAndDelete under concurrency: exactly one caller wins', async () => {
      for (let round = 0; round < 5; round++) {
        await storage.set(`race-${round}`, `prize-${round}`)
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) =>
            (store.handles[i % store.handles.length] as ListableStorage).getAndDelete(
              `race-${round}`,
            ),
          ),
        )
        expect(results.filter((r) => r !== null)).toEqual([`prize-${round}`])
      }
    })

    it('increment starts at 1 and counts up', async () => {
      expect(await storage.increment('counter', 60)).toBe(1)
      expect(await storage.increment('counter', 60)).toBe(2)
      expect(await storage.increment('counter', 60)).toBe(3)
      expect(await storage.get('counter')).toBe('3')
    })

    it('increment is atomic under 200 concurrent calls', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (store.handles[i % store.handles.length] as ListableStorage).increment('hot', 60),
        ),
      )
      expect([...results].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      )
      expect(await storage.get('hot')).toBe('200')
    })

    it('increment sets the TTL on creation only: the window is not extended', async () => {
      expect(await storage.increment('window', 0.5)).toBe(1)
      await sleep(300)
      expect(await storage.increment('window', 0.5)).toBe(2)
      await sleep(300)
      // 600 ms after creation: the first window is over even though the last call was 300 ms ago.
      expect(await storage.get('window')).toBeNull()
      expect(await storage.increment('window', 0.5)).toBe(1)
    })

    it('lists the live keys under a prefix, the prefix taken literally', async () => {
      await storage.set('queue:task:a', '1')
      await storage.set('queue:task:b', '2', 60)
      await storage.set('queue:task:gone', '3', 0.05)
      await storage.set('queue:taskX', '4')
      await storage.set('queue:other', '5')
      await storage.set('odd%_*?[x]:1', '6')
      await storage.set('oddAB*?[x]:2', '7')
      await sleep(120)
      expect((await storage.listKeys('queue:task:')).sort()).toEqual([
        'queue:task:a',
        'queue:task:b',
      ])
      expect((await storage.listKeys('queue:')).sort()).toEqual([
        'queue:other',
        'queue:task:a',
        'queue:task:b',
        'queue:taskX',
      ])
      expect(await storage.listKeys('odd%_*?[x]')).toEqual(['odd%_*?[x]:1'])
      expect(await storage.listKeys('nothing:')).toEqual([])
    })

    it('increment refuses a TTL that is not a positive number', async () => {
      await expect(storage.increment('bad', 0)).rejects.toThrow(TypeError)
      await expect(storage.increment('bad', -1)).rejects.toThrow(/positive number of seconds/)
      await expect(storage.increment('bad', Number.NaN)).rejects.toThrow(TypeError)
      expect(await storage.get('bad')).toBeNull()
    })
  })
}

storageContract('createMemoryStorage', async () => {
  const storage = createMemoryStorage()
  return { handles: [storage], close: async () => {} }
})

const sqliteDir = tempDir('storage')
let sqliteFiles = 0
storageContract('createSqliteStorage', async () => {
  const path = join(sqliteDir, `store-${sqliteFiles++}.db`)
  const dbs = [new DatabaseSync(path), new DatabaseSync(path), new DatabaseSync(path)]
  return {
    handles: dbs.map((db) => createSqliteStorage({ db })),
    close: async () => {
      for (const db of dbs) db.close()
    },
  }
})

describeWithRedis('Redis storages', (url) => {
  const prefix = uniquePrefix('storage')
  cleanupPrefixAfterAll(url, () => prefix)
  let run = 0
  for (const kind of redisClientKinds) {
    storageContract(`createRedisStorage (${kind.name})`, async () => {
      const clients = await Promise.all([
        kind.connect(url()),
        kind.connect(url()),
        kind.connect(url()),
      ])
      const runPrefix = `${prefix}${run++}:`
      return {
        handles: clients.map((redis) => createRedisStorage({ redis, prefix: runPrefix })),
        close: async () => {
          await Promise.all(clients.map((client) => kind.close(client)))
        },
      }
    })
  }
})
