// What Better Auth 1.7 keeps under a session token in its secondary storage, and when it counts.

export interface StoredSession {
  session: {
    id: string
    userId: string
    token: string
    expiresAt: string
    createdAt: string
    updatedAt?: string
    /** The admin plugin's: the admin who started this impersonation session. */
    impersonatedBy?: string | null
  }
  user: {
    id: string
    email?: string
    /** The admin plugin's role (a comma list for several). */
    role?: string | null
    banned?: boolean | null
    banExpires?: string | null
  }
}

/** The stored JSON if it has the shape Better Auth writes, else null. */
export function parseStoredSession(raw: string | null): StoredSession | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<StoredSession> | null
    const session = value?.session
    if (
      typeof session?.userId !== 'string' ||
      typeof session.expiresAt !== 'string' ||
      typeof session.createdAt !== 'string'
    ) {
      return null
    }
    return value as StoredSession
  } catch {
    return null
  }
}

/**
 * Whether the session still authenticates: not expired, not created before the user's
 * `revoked-sessions-before` mark, and the user not banned (a ban may have run out).
 */
export function isSessionValid(stored: StoredSession, revokedBefore: number, now: number): boolean {
  // Written as "not (good)" so that an unparsable date (NaN) fails the check too.
  if (!(Date.parse(stored.session.expiresAt) > now)) return false
  if (!(Date.parse(stored.session.createdAt) >= revokedBefore)) return false
  const { banned, banExpires } = stored.user ?? {}
  return !isBanActive(banned, banExpires, now)
}

/**
 * Whether a user's ban holds at `now`: `banned` is true and `banExpires` is absent or still ahead.
 * Takes the session's cached user or a loaded row (a date field may come back as a string or Date).
 */
export function isBanActive(banned: unknown, banExpires: unknown, now: number): boolean {
  if (banned !== true) return false
  if (banExpires === null || banExpires === undefined || banExpires === '') return true
  const expires =
    banExpires instanceof Date
      ? banExpires.getTime()
      : typeof banExpires === 'number'
        ? banExpires
        : Date.parse(String(banExpires))
  // An unreadable expiry keeps the ban: fail closed.
  return !(expires <= now)
}
