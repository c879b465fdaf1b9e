import { DatabaseSync } from 'node:sqlite'
import { Redis as IORedis } from 'ioredis'
import {
  createRedisStorage,
  createSqliteStorage,
  type SecondaryStorage,
} from 'payload-better-auth/storage'
import { describe, expect, inject, it } from 'vitest'
import { isRefreshDue } from '../src/payload/credentials/sessionRefresh.ts'
import type { DatabaseKind } from './helpers/databases.ts'
import { sleep } from './helpers/eventually.ts'
import { uniquePrefix } from './helpers/redis.ts'
import { SITE, type SignedUp, type SyncedApp, signUp, startSyncedApp } from './helpers/syncedApp.ts'

// Sliding sessions from the Payload side: Better Auth's `updateAge` rule, applied to requests
// that only ever reach Payload. With expiresIn 20 s and updateAge 5 s, a client calling every 3 s
// must outlive the first expiry many times over; one that stops must be signed out at 20 s.

const SESSION = { expiresIn: 20, updateAge: 5 }

/** A cookie jar of one: the session cookie, replaced by whatever Payload sends back. */
function browser(signedUp: SignedUp) {
  let cookie = signedUp.cookie
  const refreshed: string[] = []
  return {
    refreshed,
    async me(synced: SyncedApp) {
      const { email, response } = await me(synced, cookie)
      for (const set of response.headers.getSetCookie()) {
        if (!set.includes('.session_token=')) continue
        refreshed.push(set)
        cookie = set.split(';')[0] as string
      }
      return email
    },
  }
}

type StorageKind = 'sqlite' | 'redis'

function openStorage(kind: StorageKind): { storage: SecondaryStorage; close(): Promise<void> } {
  if (kind === 'sqlite') {
    const db = new DatabaseSync(':memory:')
    // Left open: Better Auth's queue keeps ticking after the test and would log a closed database.
    return { storage: createSqliteStorage({ db }), close: async () => undefined }
  }
  const redis = new IORedis(inject('redisUrl') as string)
  const prefix = uniquePrefix('sliding')
  return {
    storage: createRedisStorage({ redis, prefix }),
    async close() {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    },
  }
}

/** A synced app with Better Auth's `session` options, on the given database and storage. */
async function withApp(
  {
    database = 'sqlite',
    storage: storageKind = 'sqlite',
    session = SESSION,
  }: {
    database?: DatabaseKind
    storage?: StorageKind
    session?: Record<string, unknown>
  },
  body: (synced: SyncedApp) => Promise<void>,
): Promise<void> {
  const { storage, close } = openStorage(storageKind)
  const synced = await startSyncedApp(database, { storage, auth: { options: { session } } })
  try {
    await body(synced)
  } finally {
    await synced.close()
    await close()
  }
}

/** `GET /api/users/me` from the site's pages with `cookie`: who, and the raw response. */
async function me(synced: SyncedApp, cookie: string) {
  const response = await synced.app.rest('/users/me', { headers: { cookie, origin: SITE } })
  const { user } = (await response.clone().json()) as { user: { email: string } | null }
  return { email: user?.email ?? null, response }
}

const getSessionCalls = (synced: SyncedApp) =>
  synced.served.filter((path) => path.includes('/get-session')).length

const combinations: Array<{ database: DatabaseKind; storage: StorageKind; runs: boolean }> = [
  { database: 'sqlite', storage: 'sqlite', runs: true },
  { database: 'postgres', storage: 'redis', runs: Boolean(inject('postgresUrl')) },
  { database: 'sqlite', storage: 'redis', runs: Boolean(inject('redisUrl')) },
  { database: 'postgres', storage: 'sqlite', runs: Boolean(inject('postgresUrl')) },
]

describe('sliding sessions (expiresIn 20 s, updateAge 5 s)', () => {
  it('applies Better Auth rule: due once updateAge has passed since the last extension', () => {
    const now = Date.now()
    // Just extended: expiresAt = now + expiresIn.
    expect(isRefreshDue(now + 20_000, SESSION, now)).toBe(false)
    expect(isRefreshDue(now + 20_000, SESSION, now + 4_999)).toBe(false)
    expect(isRefreshDue(now + 20_000, SESSION, now + 5_000)).toBe(true)
  })

  for (const { database, storage: storageKind, runs } of combinations) {
    const needsService = inject('servicesRequired') && !runs
    const test = runs || needsService ? it.concurrent : it.skip
    test(`Payload ${database}, ${storageKind} storage: a client calling every 3 s stays signed in for 60 s with refreshed cookies; an idle one is signed out after 20 s`, async () => {
      if (needsService) throw new Error(`CI=true requires ${database} and ${storageKind}`)
      await withApp({ database, storage: storageKind }, async (synced) => {
        const active = browser(await signUp(synced, `active-${storageKind}@example.com`))
        const idle = browser(await signUp(synced, `idle-${storageKind}@example.com`))
        const startedAt = Date.now()
        const seen: Array<string | null> = []
        while (Date.now() - startedAt < 60_000) {
          seen.push(await active.me(synced))
          await sleep(3_000)
        }
        // Past three expiries, every call was still signed in.
        expect(seen.length).toBeGreaterThanOrEqual(18)
        expect(seen.every((email) => email === `active-${storageKind}@example.com`)).toBe(true)
        // One refresh per updateAge at most: 60 s / 5 s, and at least one per expiresIn.
        expect(active.refreshed.length).toBeGreaterThanOrEqual(60 / 20)
        expect(active.refreshed.length).toBeLessThanOrEqual(60 / 5 + 1)
        // Better Auth's own attributes: the cookie lives expiresIn, HttpOnly, path /.
        expect(active.refreshed[0]).toMatch(/Max-Age=20/i)
        expect(active.refreshed[0]).toMatch(/HttpOnly/i)
        expect(active.refreshed[0]).toMatch(/Path=\//i)

        // The idle client's session (untouched for 60 s) expired at 20 s.
        expect(await idle.me(synced)).toBeNull()
      })
    }, 120_000)
  }

  it('refreshes a session once when many requests find it due at the same moment', async () => {
    await withApp({}, async (synced) => {
      const user = await signUp(synced, 'burst@example.com')
      await sleep(5_200)
      const before = getSessionCalls(synced)
      const answers = await Promise.all(Array.from({ length: 8 }, () => me(synced, user.cookie)))
      expect(getSessionCalls(synced) - before).toBe(1)
      const withCookie = answers.filter(({ response }) =>
        response.headers.getSetCookie().some((set) => set.includes('.session_token=')),
      )
      expect(withCookie).toHaveLength(1)
      for (const { email } of answers) expect(email).toBe('burst@example.com')
    })
  }, 30_000)

  it('never slides a "remember me: off" session (Better Auth would not either)', async () => {
    // Such a session lives one day: with a week's expiresIn it is due at once by the rule alone.
    await withApp({ session: { expiresIn: 7 * 24 * 3600, updateAge: 5 } }, async (synced) => {
      await signUp(synced, 'forgetful@example.com')
      const { headers } = await synced.synced.auth.api.signInEmail({
        body: {
          email: 'forgetful@example.com',
          password: 'correct-horse-battery',
          rememberMe: false,
        },
        returnHeaders: true,
      })
      const cookie = headers
        .getSetCookie()
        .map((set) => set.split(';')[0])
        .join('; ')
      expect(cookie).toContain('.dont_remember=')
      const { email, response } = await me(synced, cookie)
      expect(email).toBe('forgetful@example.com')
      expect(response.headers.getSetCookie()).toEqual([])
      expect(getSessionCalls(synced)).toBe(0)
    })
  }, 30_000)

  it('never slides a session with disableSessionRefresh', async () => {
    await withApp({ session: { ...SESSION, disableSessionRefresh: true } }, async (synced) => {
      const user = await signUp(synced, 'no-slide@example.com')
      await sleep(5_200)
      const { email, response } = await me(synced, user.cookie)
      expect(email).toBe('no-slide@example.com')
      expect(response.headers.getSetCookie()).toEqual([])
      expect(getSessionCalls(synced)).toBe(0)
    })
  }, 30_000)
})
