// Request authentication with a Better Auth session cookie, next to the floor (one storage read
// plus the indexed user lookup, done by hand) and to Payload's own JWT strategy, on one Payload
// instance in one run. Three views of the same work: the strategy alone; what Payload runs for each
// REST/admin request (`executeAuthStrategies`); and the Local API's `payload.auth()`, which adds a
// permissions pass over every collection (`getAccessResults`) that the floor does not include.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { type AuthStrategy, executeAuthStrategies, type Payload } from 'payload'
import { createMemoryEventBus } from '../src/eventBus/index.ts'
import { type CredentialsOptions, credentialsStrategy } from '../src/payload/credentials/index.ts'
import { betterAuthIdentity } from '../src/payload/usersAccess.ts'
import { publishedConfig } from '../src/shared/publishedConfig.ts'
import { SYNC_CONTEXT_KEY, signSyncOperation } from '../src/shared/syncSignature.ts'
import type { SecondaryStorage } from '../src/storage/index.ts'
import {
  createTestAuth,
  signUp,
  TEST_BETTER_AUTH_SECRET,
  TEST_SYNC_SECRET,
} from '../test/helpers/betterAuth.ts'
import { type Comparison, compare, comparePercentile } from './measure.ts'
import { benchPayload } from './payloadInstance.ts'

export interface AuthRow {
  storage: string
  compared: string
  'baseline µs/req': string
  'better-auth µs/req': string
  ratio: string
}

const USERS = 20

const authRow = (storage: string, compared: string, c: Comparison): AuthRow => ({
  storage,
  compared,
  'baseline µs/req': (c.baselineNsPerOp / 1000).toFixed(1),
  'better-auth µs/req': (c.subjectNsPerOp / 1000).toFixed(1),
  ratio: `${c.ratio.toFixed(2)}x`,
})
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' }

export async function benchRequestAuth(label: string, storage: SecondaryStorage, dir: string) {
  const { payload } = await benchPayload({
    name: `auth-${label.replace(/\W/g, '')}`,
    dir,
    storage,
    eventBus: createMemoryEventBus(),
    collections: [
      { slug: 'users', fields: [{ name: 'email', type: 'email', required: true }] },
      // Payload's own password login, for the JWT comparison.
      { slug: 'admins', auth: true, fields: [] },
    ],
  })
  const auth = await createTestAuth(storage)
  const sessions: Array<Awaited<ReturnType<typeof signUp>> & { headers: Headers }> = []
  for (let i = 0; i < USERS; i++) {
    const session = await signUp(auth, `bench-${i}-${Date.now()}@example.com`)
    const data = { email: session.email, baUserId: session.userId }
    await payload.create({
      collection: 'users',
      data,
      context: {
        [SYNC_CONTEXT_KEY]: signSyncOperation(TEST_SYNC_SECRET, {
          op: 'create',
          collection: 'users',
          id: null,
          data,
        }),
      },
    })
    // A same-origin page's request: Payload's CSRF rule refuses a cookie with neither Origin nor
    // Sec-Fetch-Site.
    sessions.push({ ...session, headers: new Headers({ cookie: session.cookie, ...SAME_ORIGIN }) })
  }
  await payload.create({
    collection: 'admins',
    data: { email: 'admin@example.com', password: 'bench-password' },
  })
  const { token: jwt } = await payload.login({
    collection: 'admins',
    data: { email: 'admin@example.com', password: 'bench-password' },
  })
  const jwtHeaders = new Headers({ authorization: `JWT ${jwt}` })

  const session = (i: number) => sessions[i % USERS] as (typeof sessions)[number]
  const betterAuth = async (i: number) => {
    const { user } = await payload.auth({ headers: session(i).headers })
    if (!user) throw new Error('bench: the Better Auth session did not authenticate')
  }
  const floorUser = (userId: string) =>
    payload.find({
      collection: 'users',
      where: { baUserId: { equals: userId } },
      depth: 0,
      limit: 1,
      pagination: false,
      overrideAccess: true,
    })
  const floor = async (i: number) => {
    const raw = await storage.get(session(i).token)
    await floorUser(JSON.parse(raw as string).session.userId)
  }
  const strategy = payload.authStrategies.find((s) => s.name === 'better-auth')
  if (!strategy) throw new Error('bench: no better-auth strategy')
  const strategyOnly = async (i: number) => {
    const { user } = await strategy.authenticate({ headers: session(i).headers, payload })
    if (!user) throw new Error('bench: the strategy did not authenticate')
  }
  // What Payload runs for every REST/admin request (createPayloadRequest): the strategies only.
  const perRequest = async (i: number) => {
    const { user } = await executeAuthStrategies({ headers: session(i).headers, payload })
    if (!user) throw new Error('bench: executeAuthStrategies did not authenticate')
  }
  const anonymous = async () => {
    await payload.auth({ headers: new Headers() })
  }
  const payloadJwt = async () => {
    const { user } = await payload.auth({ headers: jwtHeaders })
    if (!user) throw new Error('bench: the JWT did not authenticate')
  }

  // The approach of integrations that ask Better Auth for the session on every request: its
  // getSession reading the session table (a SQLite file here), then the same user lookup.
  const dbAuth = await createTestAuth(
    undefined,
    new DatabaseSync(join(dir, `ba-sessions-${label.replace(/\W/g, '')}.db`)),
  )
  const dbSession = await signUp(dbAuth, `db-${Date.now()}@example.com`)
  const dbHeaders = new Headers({ cookie: dbSession.cookie })
  await payload.create({
    collection: 'users',
    data: { email: dbSession.email, baUserId: dbSession.userId },
    context: {
      [SYNC_CONTEXT_KEY]: signSyncOperation(TEST_SYNC_SECRET, {
        op: 'create',
        collection: 'users',
        id: null,
        data: { email: dbSession.email, baUserId: dbSession.userId },
      }),
    },
  })
  const viaGetSession = async () => {
    const result = await dbAuth.api.getSession({ headers: dbHeaders })
    if (!result) throw new Error('bench: getSession found no session')
    await floorUser(result.user.id)
  }

  const rows: AuthRow[] = []
  const row = (compared: string, c: Comparison) => rows.push(authRow(label, compared, c))
  const options = { n: 400, rounds: 7 }
  row(
    'strategy alone vs floor (storage get + user find)',
    await compare(floor, strategyOnly, options),
  )
  row('per request (executeAuthStrategies) vs floor', await compare(floor, perRequest, options))
  row('payload.auth() (+ permissions) vs floor', await compare(floor, betterAuth, options))
  row('payload.auth() vs payload.auth() anonymous', await compare(anonymous, betterAuth, options))
  row(
    "payload.auth() vs payload.auth() with Payload's JWT",
    await compare(payloadJwt, betterAuth, options),
  )
  row(
    'per request vs Better Auth getSession (its database) + user find',
    await compare(viaGetSession, perRequest, options),
  )
  rows.push(...(await benchCredentials(label, storage, payload, sessions, floorUser)))
  await payload.destroy()
  return rows
}

/**
 * The credential kinds' own costs, each against what it would otherwise be: the cookie cache
 * (`session_data` decoded, no storage read) against the user lookup alone, which it cannot avoid;
 * sliding sessions (the `updateAge` check on every request, none due) against the same strategy
 * without it, at the median request.
 */
async function benchCredentials(
  label: string,
  storage: SecondaryStorage,
  payload: Payload,
  sessions: Array<{ headers: Headers; userId: string }>,
  findUser: (userId: string) => Promise<unknown>,
): Promise<AuthRow[]> {
  const published = publishedConfig({ session: { cookieCache: { enabled: true, maxAge: 3600 } } })
  const strategyWith = (options: Partial<CredentialsOptions>) =>
    credentialsStrategy({
      storage,
      usersSlug: 'users',
      betterAuthSecret: TEST_BETTER_AUTH_SECRET,
      cookies: {},
      siteURL: 'http://localhost:3000',
      config: published,
      ...options,
    })
  // Better Auth itself writes each session's cache cookie, as a browser would get it.
  const cacheAuth = betterAuth({
    baseURL: 'http://localhost:3000',
    secret: TEST_BETTER_AUTH_SECRET,
    database: new DatabaseSync(':memory:'),
    secondaryStorage: storage,
    session: { cookieCache: { enabled: true, maxAge: 3600 } },
    logger: { disabled: true },
  })
  await (await getMigrations(cacheAuth.options)).runMigrations()
  const cached: Headers[] = []
  for (const session of sessions) {
    const { headers } = await cacheAuth.api.getSession({
      headers: session.headers,
      returnHeaders: true,
    })
    const data = headers.getSetCookie().find((set) => set.includes('.session_data='))
    if (!data) throw new Error('bench: Better Auth set no session_data cookie')
    cached.push(
      new Headers({
        cookie: `${session.headers.get('cookie')}; ${data.split(';')[0]}`,
        ...SAME_ORIGIN,
      }),
    )
  }
  const at = <T>(list: T[], i: number) => list[i % list.length] as T
  const run = (strategy: AuthStrategy, headers: (i: number) => Headers) => async (i: number) => {
    const { user } = await strategy.authenticate({
      headers: headers(i),
      payload,
      canSetHeaders: true,
    })
    if (!user) throw new Error(`bench: ${strategy.name} did not authenticate`)
  }
  // The same strategy with and without sliding; Better Auth is never called (nothing is due).
  const today = strategyWith({ config: { ...published, cookieCache: null } })
  const sliding = strategyWith({
    config: { ...published, cookieCache: null },
    betterAuthURL: 'http://127.0.0.1:9/api/auth',
  })
  const withCache = strategyWith({})
  // The cache must really be what authenticates, or the row would time the storage path.
  const probe = await withCache.authenticate({
    headers: at(cached, 0),
    payload,
    canSetHeaders: true,
  })
  if (betterAuthIdentity(probe.user)?.via !== 'cookie-cache') {
    throw new Error('bench: the cookie cache did not authenticate')
  }
  const rows: AuthRow[] = []
  const row = (compared: string, c: Comparison) => rows.push(authRow(label, compared, c))
  row(
    'cookie cache (no storage read) vs the user find alone (target <= 1.1x)',
    await compare(
      (i) => findUser(at(sessions, i).userId),
      run(withCache, (i) => at(cached, i)),
      { n: 1_000, rounds: 9 },
    ),
  )
  row(
    'sliding sessions on vs off, p50 (target <= 1.05x)',
    await comparePercentile(
      run(today, (i) => at(sessions, i).headers),
      run(sliding, (i) => at(sessions, i).headers),
      { n: 1_000, rounds: 9 },
    ),
  )
  return rows
}
