/**
 * The shared key-value store (or the event bus behind it) could not be reached, or did not answer
 * in time. Callers on the request path treat this as "no session" and never as a crash.
 */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError'
}
