import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Checks `x-reconcile-token` in constant time (hashing first makes the lengths equal).
 * A missing or empty configured token means the endpoints are off: fail closed.
 */
export function checkReconcileToken(
  configured: string | undefined,
  given: string | null,
): 'ok' | 'disabled' | 'denied' {
  if (!configured) return 'disabled'
  if (!given) return 'denied'
  return timingSafeEqual(digest(configured), digest(given)) ? 'ok' : 'denied'
}
