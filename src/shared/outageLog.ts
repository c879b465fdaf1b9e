/**
 * "Log once per outage": a logger that lets one message through per `intervalMs`, so a service that
 * stays down for an hour costs a few lines, not one per request or tick.
 */
export function logOncePer(
  intervalMs: number,
  log: (message: string) => void,
): (message: string) => void {
  let last = Number.NEGATIVE_INFINITY
  return (message) => {
    const now = Date.now()
    if (now - last < intervalMs) return
    last = now
    log(message)
  }
}

export const OUTAGE_LOG_INTERVAL_MS = 30_000
