import { DatabaseSync } from 'node:sqlite'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { admin } from 'better-auth/plugins'
import type { SecondaryStorage } from '../../src/storage/types.ts'

export const TEST_BETTER_AUTH_SECRET = 'test-better-auth-secret-0123456789abcdef'
export const TEST_SYNC_SECRET = 'test-sync-secret-0123456789abcdef-0123'

/**
 * A real Better Auth 1.7, writing its sessions to `storage` (or, without one, to its database,
 * as integrations that ask Better Auth for every request's session do).
 */
export async function createTestAuth(
  storage: SecondaryStorage | undefined,
  database = new DatabaseSync(':memory:'),
) {
  const auth = betterAuth({
    baseURL: 'http://localhost:3000',
    secret: TEST_BETTER_AUTH_SECRET,
    database,
    ...(storage ? { secondaryStorage: storage } : {}),
    emailAndPassword: { enabled: true },
    plugins: [admin()],
    logger: { disabled: true },
  })
  await (await getMigrations(auth.options)).runMigrations()
  return auth
}

export type TestAuth = Awaited<ReturnType<typeof createTestAuth>>

/** Signs a new user up; returns the session cookie as a browser would send it back. */
export async function signUp(auth: TestAuth, email: string) {
  const { headers, response } = await auth.api.signUpEmail({
    body: { email, password: 'correct-horse-battery', name: email.split('@')[0] as string },
    returnHeaders: true,
  })
  const setCookie = headers.get('set-cookie') ?? ''
  const cookie = setCookie.split(';')[0] as string
  return { cookie, token: response.token as string, userId: response.user.id, email }
}

/**
 * Users with a credential account written straight into Better Auth's SQLite database: signing up
 * thousands would hash thousands of passwords. Ids are `<prefix><n>` (six digits), emails
 * `<id>@example.com`, the credential account `acc-<id>`; `name(n)` and `moreAccounts(n, id)` vary
 * them.
 */
export function insertBetterAuthUsers(
  db: DatabaseSync,
  count: number,
  prefix = 'user-',
  {
    name = (n: number) => `User ${n}`,
    moreAccounts = () => [],
  }: {
    name?: (n: number) => string
    moreAccounts?: (
      n: number,
      userId: string,
    ) => Array<{ id: string; providerId: string; accountId: string }>
  } = {},
) {
  const now = new Date().toISOString()
  const user = db.prepare(
    'INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES (?, ?, ?, 1, ?, ?)',
  )
  const account = db.prepare(
    'INSERT INTO account (id, accountId, providerId, userId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
  )
  db.exec('BEGIN')
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${String(i).padStart(6, '0')}`
    user.run(id, name(i), `${id}@example.com`, now, now)
    account.run(`acc-${id}`, id, 'credential', id, now, now)
    for (const more of moreAccounts(i, id)) {
      account.run(more.id, more.accountId, more.providerId, id, now, now)
    }
  }
  db.exec('COMMIT')
}
