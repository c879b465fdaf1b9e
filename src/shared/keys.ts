// Every key and channel name this library writes, in one place. Better Auth owns the session keys
// (`<token>`, `active-sessions-<userId>`, `revoked-sessions-before-<userId>`, `verification:*` and
// the rate-limit counters); the names below are ours. Backends add their own prefix on top.

/** Pub/Sub channel (Redis) or event row tag (SQLite) for a service's start-up timestamp. */
export const timestampChannel = (service: string): string => `timestamp:${service}`

/** When a service last started (epoch ms as a string): `timestamp:payload`, `timestamp:better-auth`. */
export const timestampKey = (service: 'payload' | 'better-auth'): string => `timestamp:${service}`

/** Marks a sync signature's nonce as used; lives a little longer than the clock window. */
export const nonceKey = (nonce: string): string => `nonce:${nonce}`
export const NONCE_TTL_SECONDS = 15 * 60

/** Better Auth's: sessions of the user created before this epoch-ms value are revoked. */
export const revokedSessionsBeforeKey = (userId: string): string =>
  `revoked-sessions-before-${userId}`

// The sync's durable queue (see src/better-auth/durableQueue.ts) keeps its tasks in the storage's
// `syncQueue`; only the lease of a group being processed is a key. The key-value fallback (and the
// queue before `syncQueue`, whose keys a start adopts) keeps a task per key: its group (one per
// Better Auth user, or the full reconcile) and a sequence number, so that a newer task never
// overwrites, and is never deleted with, an older one being processed.
export const QUEUE_TASK_PREFIX = 'queue:task:'
export const queueTaskKey = (group: string, seq: number): string =>
  `${QUEUE_TASK_PREFIX}${group}:${String(seq).padStart(16, '0')}`
/** Held (with a TTL) by the worker processing a group, in whichever process it runs. */
export const queueLeaseKey = (group: string): string => `queue:lease:${group}`
/** Dead letters before `syncQueue` (now its records of kind `dead`). */
export const QUEUE_DEAD_PREFIX = 'queue:dead:'
/** The key-value fallback's task sequence. */
export const QUEUE_SEQUENCE_KEY = 'queue:seq'

/** One full reconcile per Payload start: the instance that increments this first runs it. */
export const reconcileLockKey = (payloadStartedAt: number): string =>
  `reconcile:lock:${payloadStartedAt}`
export const RECONCILE_LOCK_TTL_SECONDS = 24 * 3600

// Users the sync could not bring into Payload, shown by `GET /reconcile/status` on every instance
// (see src/better-auth/reconcile.ts): records of the storage's `syncQueue`, one per user, so
// concurrent writers never overwrite each other's entries. A user's sync keeps its record on
// failure and takes it on success; a full reconcile keeps the records of the users it failed, then
// moves `sync:failures-since` to its start, which hides every older entry (the reconcile judged
// those users again). Unless touched again, a record expires after this long.
export const SYNC_FAILURE_TTL_SECONDS = 7 * 24 * 3600
/** Epoch ms: entries recorded before it are superseded by the last full reconcile. */
export const SYNC_FAILURES_SINCE_KEY = 'sync:failures-since'
/** How many failures `/reconcile/status` lists (the newest). */
export const MAX_LISTED_FAILURES = 100

/** The Better Auth options Payload applies too (`PublishedConfig` as JSON), rewritten every minute. */
export const PUBLISHED_CONFIG_KEY = 'config:better-auth'
/** Held for a moment by the instance refreshing a session through Better Auth: one refresh at a time. */
export const sessionRefreshLockKey = (sessionId: string): string => `session-refresh:${sessionId}`

// Start-up probes (see src/shared/startupProbe.ts): each side records, at every start, what it
// must agree on with the other (signed with the sync secret) and announces the start on the bus;
// the other side reads it back from its own storage and names any difference.

/** The latest start of any instance of that side: `probe:payload`, `probe:better-auth`. */
export const probeKey = (side: 'payload' | 'better-auth'): string => `probe:${side}`
/** One start, found by the time it announced (bus or warmup); refreshed when announced again. */
export const probeStartKey = (side: 'payload' | 'better-auth', startedAt: number): string =>
  `probe:${side}:${startedAt}`
export const PROBE_START_TTL_SECONDS = 7 * 24 * 3600
/** The event bus service on which a side announces a start (its probe's `startedAt`). */
export const probeService = (side: 'payload' | 'better-auth'): string => `probe:${side}`
/** `payload-better-auth doctor`'s round trip through the storage and the bus. */
export const doctorKey = (nonce: string): string => `probe:doctor:${nonce}`
export const doctorService = (nonce: string): string => `probe:doctor:${nonce}`
