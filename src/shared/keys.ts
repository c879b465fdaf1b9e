// Every key and channel name this library writes, in one place. Better Auth owns the session keys
// (`<token>`, `active-sessions-<userId>`, `revoked-sessions-before-<userId>`, `verification:*` and
// the rate-limit counters); the names below are ours. Backends add their own prefix on top.

/** Pub/Sub channel (Redis) or event row tag (SQLite) for a service's start-up timestamp. */
export const timestampChannel = (service: string): string => `timestamp:${service}`
