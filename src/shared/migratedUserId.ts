import { createHash } from 'node:crypto'

// A user moved from Payload's login gets a Better Auth id derived from its Payload id, so the sync
// can tell the migration's user from a sign-up that merely has the same email (anyone can sign up
// with any address; nobody can choose their id) and a migration killed half way resumes without
// guessing.

/** Better Auth's id formats a migrated id can take: its default text ids, or `generateId: 'uuid'`. */
export type MigratedIdFormat = 'text' | 'uuid'

export function migratedUserId(payloadUserId: string | number, format: MigratedIdFormat): string {
  if (format === 'text') return `payload-${payloadUserId}`
  const bytes = createHash('sha256')
    .update(`payload-better-auth:migrated-user:${payloadUserId}`)
    .digest()
    .subarray(0, 16)
  // A well-formed version 4 UUID, so uuid columns take it.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Whether Better Auth user `userId` is the migration's user for Payload user `payloadUserId`. */
export function isMigratedUserOf(userId: string, payloadUserId: string | number): boolean {
  return (
    userId === migratedUserId(payloadUserId, 'text') ||
    userId === migratedUserId(payloadUserId, 'uuid')
  )
}
