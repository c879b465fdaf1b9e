import type { BetterAuthOptions } from 'better-auth'
import type { QueueTask } from '../durableQueue.ts'

type DatabaseHooks = NonNullable<BetterAuthOptions['databaseHooks']>

/**
 * Every change of a user or an account queues its user's sync (`syncNow`). A sign-up also records
 * the User-Locale header as the user's `locale` (never the body's).
 */
export function syncDatabaseHooks(syncNow: (task: QueueTask) => Promise<void>): DatabaseHooks {
  /**
   * An update hook's row → its user's sync. Better Auth's `updateMany` (a password change updates
   * the credential account that way) runs the same hook with a count instead of a row: nothing the
   * mirror shows has changed then, so there is nothing to sync.
   */
  const syncUserOf = async (row: unknown, key: 'id' | 'userId') => {
    const userId =
      typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[key] : null
    if (typeof userId === 'string' && userId) await syncNow({ op: 'ensure', userId })
  }
  return {
    user: {
      create: {
        before: async (user, endpoint) => {
          const locale = endpoint?.headers?.get('user-locale')
          return locale ? { data: { ...user, locale: locale.slice(0, 35) } } : { data: user }
        },
        after: async (user) => syncNow({ op: 'ensure', userId: user.id }),
      },
      update: { after: async (user) => syncUserOf(user, 'id') },
      delete: { after: async (user) => syncNow({ op: 'delete', userId: user.id }) },
    },
    account: {
      create: { after: async (account) => syncNow({ op: 'ensure', userId: account.userId }) },
      update: { after: async (account) => syncUserOf(account, 'userId') },
      delete: { after: async (account) => syncNow({ op: 'ensure', userId: account.userId }) },
    },
  }
}
