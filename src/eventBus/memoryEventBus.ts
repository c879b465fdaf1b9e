import { describedAs } from '../shared/description.ts'
import { defineEventBus } from './defineEventBus.ts'
import type { ClosableEventBus } from './types.ts'

/** Delivers within this process only, on the next microtask (as the other buses, never inline). */
export function createMemoryEventBus(): ClosableEventBus {
  const bus = defineEventBus('createMemoryEventBus', (deliver) => ({
    publish: (service, timestamp) => queueMicrotask(() => deliver(service, timestamp)),
    listen: () => {},
    unlisten: () => {},
  }))
  return describedAs(bus, 'memory (this process only)')
}
