import { PayloadBetterAuthError } from '../../shared/errors.ts'

// Doctor's output: one line per check, with the fix when it is not ok, and the helpers the checks
// share to write them.

export type CheckStatus = 'ok' | 'warn' | 'FAIL'

export interface CheckLine {
  status: CheckStatus
  text: string
  /** What to do; FAIL and warn lines have one. */
  fix?: string
}

/** `ok   storage answers (...)`, `FAIL sync secret differs ... — set the same ...`. */
export const formatLine = ({ status, text, fix }: CheckLine): string =>
  `${status.padEnd(4)} ${text}${fix ? ` — ${fix}` : ''}`

/** Where the checks put their lines. */
export interface Report {
  /** Every line so far, in order. */
  lines: CheckLine[]
  add(line: CheckLine): void
  /** Runs a check; whatever it throws is its FAIL line. */
  check(what: string, body: () => Promise<void>, fix?: string): Promise<void>
}

/** A report that hands each line to `onLine` as it is added (the CLI prints them as they come). */
export function createReport(onLine?: (line: CheckLine) => void): Report {
  const lines: CheckLine[] = []
  const add = (line: CheckLine) => {
    lines.push(line)
    onLine?.(line)
  }
  return {
    lines,
    add,
    async check(what, body, fix) {
      try {
        await body()
      } catch (error) {
        add({
          status: 'FAIL',
          text: `could not check ${what}: ${error instanceof Error ? error.message : String(error)}`,
          fix: error instanceof PayloadBetterAuthError ? lowerFirst(error.fix) : fix,
        })
      }
    },
  }
}

/** Rejects when `promise` takes longer than `ms`: a storage that hangs is a failed check. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Our errors' fixes are sentences; a line's fix follows a dash. */
export const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

export const ago = (epochMs: number) => {
  const seconds = Math.max(0, Math.round((Date.now() - epochMs) / 1000))
  if (seconds < 120) return `${seconds} s ago`
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86_400)} days ago`
}

/** `2025-01-01T00:00:00.000Z (3 min ago)`. */
export const when = (epochMs: number) => `${new Date(epochMs).toISOString()} (${ago(epochMs)})`
