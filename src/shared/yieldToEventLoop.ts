/**
 * Lets timers and requests run. Payload's SQLite adapter and Better Auth's node:sqlite answer
 * synchronously behind their promises, so a long loop of awaits on them never returns to the
 * event loop: a full reconcile would hold the whole server for its duration.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))
