// Request authentication with a Better Auth session cookie, next to the floor (one storage read
// plus the indexed user lookup, done by hand) and to Payload's own JWT strategy, on one Payload
// instance in one run. Three views of the same work: the strategy alone; what Payload runs for each
// REST/admin request (`executeAuthStrategies`); and the Local API's `payload.auth()`, which adds a
// permissions pass over every collection (`getAccessResults`) that the floor does not include.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { executeAuthStrategies } from 'payload'
import { createMemoryEventBus } from '../src/eventBus/index.ts'
import { SYNC_CONTEXT_KEY, signSyncOperation } from '../src/shared/syncSignature.ts'
import type { SecondaryStorage } from '../src/storage/index.ts'
import { createTestAuth, signUp, TEST_SYNC_SECRET } from '../test/helpers/betterAuth.ts'
import { compare } from './measure.ts'
import { benchPayload } from './payloadInstance.ts'

export interface AuthRow {
  storage: string
  compared: string
  'baseline µs/req': string
  'better-auth µs/req': string
  ratio: string
}

const USERS = 20

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
    sessions.push({ ...session, headers: new Headers({ cookie: session.cookie }) })
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
  const floor = async (i: number) => {
    const raw = await storage.get(session(i).token)
    const { userId } = JSON.parse(raw as string).session
    await payload.find({
      collection: 'users',
      where: { baUserId: { equals: userId } },
      depth: 0,
      limit: 1,
      pagination: false,
      overrideAccess: true,
    })
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
    await payload.find({
      collection: 'users',
      where: { baUserId: { equals: result.user.id } },
      depth: 0,
      limit: 1,
      pagination: false,
      overrideAccess: true,
    })
  }

  const rows: AuthRow[] = []
  const row = (compared: string, c: Awaited<ReturnType<typeof compare>>) =>
    rows.push({
      storage: label,
      compared,
      'baseline µs/req': (c.baselineNsPerOp / 1000).toFixed(1),
      'better-auth µs/req': (c.subjectNsPerOp / 1000).toFixed(1),
      ratio: `${c.ratio.toFixed(2)}x`,
    })
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
  await payload.destroy()
  return rows
}
