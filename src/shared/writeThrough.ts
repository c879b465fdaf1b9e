// The write-through contract between the two halves: when someone edits a user in Payload (admin
// form, REST, GraphQL, Local API), the Payload plugin asks the Better Auth plugin to make the change
// with the acting user's own session, so Better Auth's authorization decides. These are the paths
// (under Better Auth's `basePath`) and the bodies both sides agree on.

export const WRITE_THROUGH_PATHS = {
  createUser: '/payload/create-user',
  updateUser: '/payload/update-user',
  deleteUser: '/payload/delete-user',
} as const

/** Payload field values as the Payload user document holds them. */
export type PayloadUserData = Record<string, unknown>

export interface WriteThroughCreateBody {
  /** What the Payload create carried (Better Auth takes the fields it owns from it). */
  data: PayloadUserData
  /** A first password; without one the user gets an invitation (magic link or reset link). */
  password?: string
}

export interface WriteThroughCreateResult {
  /** The new Better Auth user's id (the Payload row's `baUserId`). */
  userId: string
  /** The owned fields' values, as `mapUserToPayload` makes them from the new Better Auth user. */
  data: PayloadUserData
  /** How the user was invited to sign in, when no password was given. */
  invitation: 'magic-link' | 'reset-password' | null
}

export interface WriteThroughUpdateBody {
  /** The Better Auth user's id (`baUserId`). */
  userId: string
  /** The fields the edit changes (Payload names and values). */
  data: PayloadUserData
}

export interface WriteThroughUpdateResult {
  /** Every Payload field Better Auth owns for this user (what `mapUserToPayload` writes, and `email`). */
  owned: string[]
  /** The owned fields among the edit, with the values Better Auth now holds. */
  data: PayloadUserData
}

export interface WriteThroughDeleteBody {
  userId: string
}
