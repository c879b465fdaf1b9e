import { defineEventBus } from './defineEventBus.ts'
import type { ClosableEventBus } from './types.ts'

/** Delivers within this process only, on the next microtask (as the other buses, never inline). */
export function createMemoryEventBus(): ClosableEventBus {
  return defineEventBus('createMemoryEventBus', (deliver) => ({
    publish: (service, timestamp) => queueMicrotask(() => deliver(service, timestamp)),
    listen: () => {},
    unlisten: () => {},
  }))
}
