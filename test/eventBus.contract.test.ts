import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import {
  type ClosableEventBus,
  createMemoryEventBus,
  createRedisEventBus,
  createSqlitePollingEventBus,
  type RedisClient,
  type RedisSubscriber,
} from 'payload-better-auth/eventBus'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventually, sleep } from './helpers/eventually.ts'
import { describeWithRedis, redisClientKinds, uniquePrefix } from './helpers/redis.ts'
import { tempDir } from './helpers/tempDir.ts'

/**
 * `buses` are independent instances on the same transport (other connections or database handles),
 * as separate processes would have; `quietMs` is how long to wait before concluding "not delivered".
 */
interface BusesUnderTest {
  buses: ClosableEventBus[]
  quietMs: number
  close(): Promise<void>
}

function collect(bus: ClosableEventBus, service: string) {
  const received: number[] = []
  const unsubscribe = bus.subscribeToTimestamp(service, (ts) => received.push(ts))
  return { received, unsubscribe }
}

function eventBusContract(
  name: string,
  open: () => Promise<BusesUnderTest>,
  { instances = 2 } = {},
) {
  describe(`EventBus contract: ${name}`, () => {
    let under: BusesUnderTest
    let bus: ClosableEventBus
    beforeEach(async () => {
      under = await open()
      bus = under.buses[0] as ClosableEventBus
    })
    afterEach(() => under.close())

    it('delivers the exact timestamp to a subscriber, the notifier included', async () => {
      const { received } = collect(bus, 'payload')
      await bus.ready()
      const now = Date.now()
      bus.notifyTimestampChange('payload', now)
      await eventually(() => expect(received).toEqual([now]))
    })

    it('delivers to several subscribers, each only for its own service', async () => {
      const a = collect(bus, 'payload')
      const b = collect(bus, 'payload')
      const other = collect(bus, 'better-auth')
      await bus.ready()
      bus.notifyTimestampChange('payload', 1_700_000_000_001)
      await eventually(() => {
        expect(a.received).toEqual([1_700_000_000_001])
        expect(b.received).toEqual([1_700_000_000_001])
      })
      await sleep(under.quietMs)
      expect(other.received).toEqual([])
    })

    it('keeps the order of one publisher', async () => {
      const { received } = collect(bus, 'payload')
      await bus.ready()
      for (let i = 1; i <= 20; i++) bus.notifyTimestampChange('payload', i)
      await eventually(() => expect(received).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)))
    })

    it('stops delivering to an unsubscribed handler, and keeps delivering to the others', async () => {
      const gone = collect(bus, 'payload')
      const stays = collect(bus, 'payload')
      await bus.ready()
      gone.unsubscribe()
      gone.unsubscribe() // twice is harmless
      bus.notifyTimestampChange('payload', 42)
      await eventually(() => expect(stays.received).toEqual([42]))
      await sleep(under.quietMs)
      expect(gone.received).toEqual([])
    })

    it('delivers again after the last handler left and a new one came', async () => {
      collect(bus, 'payload').unsubscribe()
      const again = collect(bus, 'payload')
      await bus.ready()
      bus.notifyTimestampChange('payload', 7)
      await eventually(() => expect(again.received).toEqual([7]))
    })

    it('isolates a handler that throws', async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
      bus.subscribeToTimestamp('payload', () => {
        throw new Error('handler bug')
      })
      const { received } = collect(bus, 'payload')
      await bus.ready()
      bus.notifyTimestampChange('payload', 5)
      await eventually(() => expect(received).toEqual([5]))
      expect(String(logged.mock.calls[0])).toMatch(/handler threw/)
      logged.mockRestore()
    })

    it('refuses a timestamp that is not a finite number and an empty service', () => {
      expect(() => bus.notifyTimestampChange('payload', Number.NaN)).toThrow(/finite number/)
      expect(() => bus.notifyTimestampChange('', 1)).toThrow(/non-empty string/)
    })

    it('delivers nothing after close(), and refuses new work', async () => {
      const { received } = collect(bus, 'payload')
      await bus.ready()
      await bus.close()
      expect(() => bus.notifyTimestampChange('payload', 1)).toThrow(/after close/)
      const other = under.buses[1]
      if (other) {
        other.notifyTimestampChange('payload', 2)
        await sleep(under.quietMs)
      }
      expect(received).toEqual([])
    })

    if (instances < 2) return

    it('reaches another instance on the same transport, both ways', async () => {
      const second = under.buses[1] as ClosableEventBus
      const onFirst = collect(bus, 'better-auth')
      const onSecond = collect(second, 'payload')
      await Promise.all([bus.ready(), second.ready()])
      bus.notifyTimestampChange('payload', 11)
      second.notifyTimestampChange('better-auth', 22)
      await eventually(() => {
        expect(onSecond.received).toEqual([11])
        expect(onFirst.received).toEqual([22])
      })
    })
  })
}

eventBusContract(
  'createMemoryEventBus',
  async () => {
    const bus = createMemoryEventBus()
    return { buses: [bus], quietMs: 20, close: () => bus.close() }
  },
  { instances: 1 },
)

const dir = tempDir('event-bus')
let files = 0
eventBusContract('createSqlitePollingEventBus', async () => {
  const path = join(dir, `bus-${files++}.db`)
  const dbs = [new DatabaseSync(path), new DatabaseSync(path)]
  const buses = dbs.map((db) => createSqlitePollingEventBus({ db, pollInterval: 20 }))
  return {
    buses,
    quietMs: 150,
    close: async () => {
      await Promise.all(buses.map((bus) => bus.close()))
      for (const db of dbs) db.close()
    },
  }
})

describeWithRedis('Redis event buses', (url) => {
  for (const kind of redisClientKinds) {
    eventBusContract(`createRedisEventBus (${kind.name})`, async () => {
      const channelPrefix = uniquePrefix('bus')
      const clients = await Promise.all(Array.from({ length: 4 }, () => kind.connect(url())))
      // Two instances, each with its own publisher and subscriber connection.
      const buses = [0, 2].map((i) =>
        createRedisEventBus({
          publisher: clients[i] as RedisClient,
          subscriber: clients[i + 1] as RedisSubscriber,
          channelPrefix,
        }),
      )
      return {
        buses,
        quietMs: 100,
        close: async () => {
          await Promise.all(buses.map((bus) => bus.close()))
          await Promise.all(clients.map((client) => kind.close(client)))
        },
      }
    })
  }
})
