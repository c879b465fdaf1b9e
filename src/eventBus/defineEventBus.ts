import type { ClosableEventBus, TimestampHandler } from './types.ts'

/** What a transport provides; `defineEventBus` does the handler bookkeeping around it. */
export interface EventTransport {
  publish(service: string, timestamp: number): void
  /** Called when a service gets its first handler; the returned promise is what `ready()` awaits. */
  listen(service: string): Promise<void> | void
  /** Called when a service's last handler is removed. */
  unlisten(service: string): Promise<void> | void
  close?(): Promise<void> | void
}

/**
 * Owns what every bus shares: the handler sets, input checks, isolation of a throwing handler, and
 * `ready()`/`close()`. Each transport is then only publish/listen/unlisten.
 */
export function defineEventBus(
  name: string,
  createTransport: (deliver: (service: string, timestamp: number) => void) => EventTransport,
): ClosableEventBus {
  const handlers = new Map<string, Set<{ handler: TimestampHandler }>>()
  /** The transport's listen() result for each service that has handlers. */
  const listening = new Map<string, Promise<void>>()
  let closed = false

  const settle = (result: Promise<void> | void): Promise<void> => {
    const promise = Promise.resolve(result)
    // The failure surfaces through ready(); it must not also become an unhandled rejection.
    promise.catch((error: unknown) =>
      console.error(
        `[eventBus] ${name}: ${String(error)}; start-up notifications may be missed until it is reachable (the periodic reconcile still runs). Check the Redis server or SQLite file the bus was given.`,
      ),
    )
    return promise
  }

  const deliver = (service: string, timestamp: number) => {
    const set = handlers.get(service)
    if (!set) return
    for (const { handler } of [...set]) {
      try {
        handler(timestamp)
      } catch (error) {
        console.error(`[eventBus] ${name}: a "${service}" handler threw:`, error)
      }
    }
  }

  const transport = createTransport(deliver)

  return {
    notifyTimestampChange(service, timestamp) {
      if (typeof service !== 'string' || service === '') {
        throw new TypeError(`${name}: service must be a non-empty string`)
      }
      if (!Number.isFinite(timestamp)) {
        throw new TypeError(`${name}: timestamp must be a finite number, got ${String(timestamp)}`)
      }
      if (closed) throw new Error(`${name}: notifyTimestampChange() after close()`)
      transport.publish(service, timestamp)
    },
    subscribeToTimestamp(service, handler) {
      if (typeof handler !== 'function') throw new TypeError(`${name}: handler must be a function`)
      if (closed) throw new Error(`${name}: subscribeToTimestamp() after close()`)
      const entry = { handler }
      let set = handlers.get(service)
      if (!set) {
        set = new Set()
        handlers.set(service, set)
        listening.set(service, settle(transport.listen(service)))
      }
      set.add(entry)
      return () => {
        const current = handlers.get(service)
        if (!current?.delete(entry) || current.size > 0) return
        handlers.delete(service)
        listening.delete(service)
        if (!closed) void settle(transport.unlisten(service))
      }
    },
    async ready() {
      await Promise.all(listening.values())
    },
    async close() {
      if (closed) return
      closed = true
      const services = [...handlers.keys()]
      handlers.clear()
      listening.clear()
      await Promise.allSettled(services.map((service) => transport.unlisten(service)))
      await transport.close?.()
    },
  }
}
