/**
 * The shared key-value store (or the event bus behind it) could not be reached, or did not answer
 * in time. Callers on the request path treat this as "no session" and never as a crash.
 */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError'
}

/**
 * A rule of this library is broken (a version out of range, the two sides disagreeing, input the
 * migration cannot take). `problem` names the rule and what was found, `fix` what to do; the message
 * is both, so a log line alone is enough to act on.
 */
export class PayloadBetterAuthError extends Error {
  override name = 'PayloadBetterAuthError'
  readonly problem: string
  readonly fix: string
  constructor(problem: string, fix: string) {
    super(`${problem} ${fix}`)
    this.problem = problem
    this.fix = fix
  }
}
