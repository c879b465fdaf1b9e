import type { EventBus } from 'payload-better-auth/eventBus'

// A custom backend needs only the two methods: here, an in-process one.
const handlers = new Map<string, Set<(ts: number) => void>>()

export const customEventBus: EventBus = {
  notifyTimestampChange(service: string, timestamp: number): void {
    for (const handler of handlers.get(service) ?? []) handler(timestamp)
  },
  subscribeToTimestamp(service: string, handler: (ts: number) => void): () => void {
    const set = handlers.get(service) ?? new Set()
    handlers.set(service, set)
    set.add(handler)
    return () => set.delete(handler)
  },
}
