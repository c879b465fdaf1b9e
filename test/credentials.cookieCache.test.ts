import { createMemoryStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CookieCacheEncoding } from '../src/shared/publishedConfig.ts'
import { describeEachDatabase } from './helpers/databases.ts'
import { sleep } from './helpers/eventually.ts'
import { SITE, type SyncedApp, signUp, startSyncedApp } from './helpers/syncedApp.ts'

// Better Auth's cookie cache (`session.cookieCache`) on Payload requests: a fresh `session_data`
// cookie authenticates without touching the storage, in each of Better Auth's encodings, and is
// trusted exactly as far as Better Auth trusts it (its session cookie, its maxAge).

/** Every storage operation, to prove a cached request makes none. */
function countingStorage(inner: SecondaryStorage) {
  const operations: string[] = []
  const count =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      operations.push(`${name} ${String(args[0])}`)
      return fn(...args)
    }
  const storage: SecondaryStorage = {
    get: count('get', inner.get.bind(inner)),
    set: count('set', inner.set.bind(inner)),
    delete: count('delete', inner.delete.bind(inner)),
    getAndDelete: count('getAndDelete', inner.getAndDelete.bind(inner)),
    increment: count('increment', inner.increment.bind(inner)),
    listKeys: inner.listKeys?.bind(inner),
  }
  return { storage, operations }
}

/** The `name=value` pairs of every Set-Cookie, as a browser would send them back. */
const cookieHeader = (headers: Headers) =>
  headers
    .getSetCookie()
    .filter((set) => !/max-age=0/i.test(set))
    .map((set) => set.split(';')[0])
    .join('; ')

const MAX_AGE = 3

describeEachDatabase('cookie cache', (kind) => {
  for (const encoding of ['compact', 'jwt', 'jwe'] satisfies CookieCacheEncoding[]) {
    describe(`${encoding} encoding`, () => {
      // Payload's operations are counted; Better Auth's (its queue polls) are not.
      const memory = createMemoryStorage()
      const { storage, operations } = countingStorage(memory)
      let synced: SyncedApp
      let n = 0

      /** A fresh sign-in: the session cookie and Better Auth's `session_data` beside it. */
      async function signIn() {
        const email = `cache-${encoding}-${++n}@example.com`
        await signUp(synced, email)
        const { headers } = await synced.synced.auth.api.signInEmail({
          body: { email, password: 'correct-horse-battery' },
          returnHeaders: true,
        })
        const cookie = cookieHeader(headers)
        expect(cookie).toContain('.session_data=')
        return { email, cookie }
      }
      const me = async (cookie: string, origin = SITE) => {
        const response = await synced.app.rest('/users/me', { headers: { cookie, origin } })
        const body = (await response.json()) as { user: { email: string } | null }
        return { email: body.user?.email ?? null, response }
      }
      /** Storage operations made while `run` runs. */
      const during = async <T>(run: () => Promise<T>) => {
        const before = operations.length
        const result = await run()
        return { result, operations: operations.slice(before) }
      }

      beforeAll(async () => {
        synced = await startSyncedApp(kind, {
          storage: memory,
          payloadStorage: storage,
          auth: {
            options: {
              session: { cookieCache: { enabled: true, strategy: encoding, maxAge: MAX_AGE } },
            },
          },
        })
        // Payload reads Better Auth's published rules once, then keeps them in memory.
        await me((await signIn()).cookie)
      })
      afterAll(() => synced.close())

      it('authenticates with zero storage operations', async () => {
        const { email, cookie } = await signIn()
        const { result, operations: made } = await during(() => me(cookie))
        expect(result.email).toBe(email)
        expect(made).toEqual([])
        // The same cookie without its cache reads the storage.
        const token = cookie.split('; ').filter((pair) => !pair.includes('.session_data='))
        const plain = await during(() => me(token.join('; ')))
        expect(plain.result.email).toBe(email)
        expect(plain.operations.some((op) => op.startsWith('get '))).toBe(true)
      })

      it('a tampered session_data is not trusted: the storage decides', async () => {
        const { email, cookie } = await signIn()
        const tampered = cookie.replace(
          /(\.session_data=)(.)/,
          (_, name: string, first: string) => `${name}${first === 'A' ? 'B' : 'A'}`,
        )
        expect(tampered).not.toBe(cookie)
        const { result, operations: made } = await during(() => me(tampered))
        expect(result.email).toBe(email)
        expect(made.some((op) => op.startsWith('get '))).toBe(true)
      })

      it("another session's cache does not vouch for this session cookie", async () => {
        const first = await signIn()
        const { headers } = await synced.synced.auth.api.signInEmail({
          body: { email: first.email, password: 'correct-horse-battery' },
          returnHeaders: true,
        })
        const second = cookieHeader(headers)
        const firstToken = first.cookie.split('; ').find((pair) => pair.includes('.session_token='))
        const secondData = second.split('; ').find((pair) => pair.includes('.session_data='))
        // Revoke the first session: only the storage knows.
        await synced.synced.auth.api.signOut({ headers: new Headers({ cookie: first.cookie }) })
        const { result, operations: made } = await during(() => me(`${firstToken}; ${secondData}`))
        expect(result.email).toBeNull()
        expect(made.some((op) => op.startsWith('get '))).toBe(true)
      })

      it('a revoked session keeps working until the cache is maxAge old, as in Better Auth', async () => {
        const { email, cookie } = await signIn()
        await synced.synced.auth.api.signOut({ headers: new Headers({ cookie }) })
        expect((await me(cookie)).email).toBe(email)
        await sleep(MAX_AGE * 1000 + 200)
        expect((await me(cookie)).email).toBeNull()
      })

      it('obeys the CSRF rule like the session cookie', async () => {
        const { cookie } = await signIn()
        expect((await me(cookie, 'https://evil.example')).email).toBeNull()
      })

      it('a stale cache is read through the storage and re-issued by Better Auth', async () => {
        const { email, cookie } = await signIn()
        await sleep(MAX_AGE * 1000 + 200)
        const stale = await during(() => me(cookie))
        expect(stale.result.email).toBe(email)
        expect(stale.operations.some((op) => op.startsWith('get '))).toBe(true)
        const fresh = cookieHeader(stale.result.response.headers)
        expect(fresh).toContain('.session_data=')
        const token = cookie.split('; ').find((pair) => pair.includes('.session_token='))
        const cached = await during(() => me(`${token}; ${fresh}`))
        expect(cached.result.email).toBe(email)
        expect(cached.operations).toEqual([])
      })
    })
  }
})
