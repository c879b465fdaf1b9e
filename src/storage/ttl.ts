/** `set`'s TTL in milliseconds, or null for "never expires" (missing, zero or negative). */
export function ttlMs(ttlSeconds: number | undefined): number | null {
  return ttlSeconds !== undefined && ttlSeconds > 0 ? Math.ceil(ttlSeconds * 1000) : null
}

/** `increment`'s TTL is required: a counter that never expires would rate-limit forever. */
export function incrementTtlMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError(
      `increment(key, ttl): ttl must be a positive number of seconds, got ${String(ttlSeconds)}`,
    )
  }
  return Math.ceil(ttlSeconds * 1000)
}
