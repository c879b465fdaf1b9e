// The shared-database topology: Better Auth signing in and reading sessions through payloadAdapter
// (Payload's Local API on SQLite) next to Better Auth's own Kysely adapter, both on one SQLite file.
// No secondary storage, so every getSession is a database read: the adapter's cost shows in full.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import { type BetterAuthOptions, betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { buildConfig, getPayload } from 'payload'
import { buildBetterAuthCollections, payloadAdapter } from '../src/adapter/index.ts'
import { TEST_BETTER_AUTH_SECRET } from '../test/helpers/betterAuth.ts'
import { compare } from './measure.ts'

export interface AdapterRow {
  operation: string
  'kysely µs/op': string
  'payloadAdapter µs/op': string
  ratio: string
}

const password = 'correct-horse-battery-staple'
const base = {
  baseURL: 'http://localhost:3000',
  secret: TEST_BETTER_AUTH_SECRET,
  emailAndPassword: { enabled: true },
  logger: { disabled: true },
} satisfies BetterAuthOptions
// Payload's collections get other names so both adapters' tables fit in the one file.
const onPayload = {
  ...base,
  user: { modelName: 'baUser' },
  session: { modelName: 'baSession' },
  account: { modelName: 'baAccount' },
  verification: { modelName: 'baVerification' },
} satisfies BetterAuthOptions

export async function benchSharedDatabase(dir: string): Promise<AdapterRow[]> {
  const file = join(dir, 'shared.db')
  process.env.PAYLOAD_FORCE_DRIZZLE_PUSH = 'true'
  // Payload first: its schema push would offer to drop tables it does not know.
  const payload = await getPayload({
    config: buildConfig({
      secret: 'bench-payload-secret-0123456789abcdef',
      db: sqliteAdapter({ client: { url: `file:${file}` } }),
      typescript: { autoGenerate: false },
      telemetry: false,
      logger: { options: { level: 'warn' } },
      collections: buildBetterAuthCollections({ betterAuthOptions: onPayload }),
    }),
    key: 'bench-shared-database',
  })
  const viaPayload = betterAuth({ ...onPayload, database: payloadAdapter({ payload }) })
  const database = new DatabaseSync(file)
  const viaKysely = betterAuth({ ...base, database })
  await (await getMigrations(viaKysely.options)).runMigrations()

  const email = 'bench@example.com'
  for (const auth of [viaKysely, viaPayload] as const) {
    await auth.api.signUpEmail({ body: { email, password, name: 'Bench' } })
  }
  const signIn = (auth: typeof viaKysely | typeof viaPayload) => () =>
    auth.api.signInEmail({ body: { email, password } })
  const cookieOf = async (auth: typeof viaKysely | typeof viaPayload) => {
    const { headers } = await auth.api.signInEmail({
      body: { email, password },
      returnHeaders: true,
    })
    return new Headers({ cookie: (headers.get('set-cookie') ?? '').split(';')[0] ?? '' })
  }
  const kyselyCookie = await cookieOf(viaKysely)
  const payloadCookie = await cookieOf(viaPayload)

  const rows: AdapterRow[] = []
  const add = (operation: string, c: Awaited<ReturnType<typeof compare>>) =>
    rows.push({
      operation,
      'kysely µs/op': (c.baselineNsPerOp / 1e3).toFixed(0),
      'payloadAdapter µs/op': (c.subjectNsPerOp / 1e3).toFixed(0),
      ratio: `${c.ratio.toFixed(2)}x`,
    })
  // Sign-in is mostly the password hash (scrypt), the same work on both sides.
  add('signInEmail', await compare(signIn(viaKysely), signIn(viaPayload), { n: 10, rounds: 5 }))
  add(
    'getSession (session + user read)',
    await compare(
      () => viaKysely.api.getSession({ headers: kyselyCookie }),
      () => viaPayload.api.getSession({ headers: payloadCookie }),
      { n: 300, rounds: 7 },
    ),
  )
  await payload.destroy()
  database.close()
  return rows
}
