export type TimestampHandler = (timestamp: number) => void

/**
 * Tells the other side of the integration that a service (re)started. Every process subscribed to
 * a service gets each timestamp notified for it, including the notifying process itself.
 */
export interface EventBus {
  notifyTimestampChange(service: string, timestamp: number): void
  /** Returns the function that removes this subscription. */
  subscribeToTimestamp(service: string, handler: TimestampHandler): () => void
  /** Resolves once every subscription made so far receives events (Redis subscribes asynchronously). */
  ready?(): Promise<void>
  /** Stops timers and subscriptions. Connections and databases passed in stay open: they are yours. */
  close?(): Promise<void>
}

/** What the built-in buses return: `ready()` and `close()` always there. */
export interface ClosableEventBus extends EventBus {
  ready(): Promise<void>
  close(): Promise<void>
}
