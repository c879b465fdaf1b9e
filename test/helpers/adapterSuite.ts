import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  authFlowTestSuite,
  caseInsensitiveTestSuite,
  joinsTestSuite,
  normalTestSuite,
  numberIdTestSuite,
  testAdapter,
  transactionsTestSuite,
  uuidTestSuite,
} from '@better-auth/test-utils/adapter'
import { postgresAdapter } from '@payloadcms/db-postgres'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import type { BetterAuthOptions } from 'better-auth'
import { buildConfig, type DatabaseAdapterObj, getPayload, type Payload } from 'payload'
import { buildBetterAuthCollections, payloadAdapter } from '../../src/adapter/index.ts'
import { createPostgresDatabase, type DatabaseKind } from './databases.ts'
import { closePayload } from './payload.ts'

interface Instance {
  payload: Payload
  close(): Promise<void>
}

/**
 * The Payload behind `payloadAdapter` in Better Auth's adapter suite. The suite calls
 * `runMigrations` with new options over and over; each distinct schema gets one Payload on a fresh
 * database (SQLite file or PostgreSQL database), made once and emptied when the suite comes back to
 * it. The adapter reads `current` on every call, so it holds no state of its own.
 */
export function suitePayloads(kind: DatabaseKind) {
  const instances = new Map<string, Instance>()
  const directory = mkdtempSync(join(tmpdir(), 'pba-adapter-'))
  let current: Payload | undefined

  async function open(
    collections: ReturnType<typeof buildBetterAuthCollections>,
  ): Promise<Instance> {
    let db: DatabaseAdapterObj
    let drop = async () => {}
    if (kind === 'sqlite') {
      db = sqliteAdapter({
        client: { url: `file:${join(directory, `${instances.size}.db`)}` },
        // SQLite transactions are off in Payload unless asked for.
        transactionOptions: {},
        busyTimeout: 10_000,
        allowIDOnCreate: true,
      })
    } else {
      const database = await createPostgresDatabase('adapter')
      db = postgresAdapter({ pool: { connectionString: database.url }, allowIDOnCreate: true })
      drop = database.drop
    }
    const config = buildConfig({
      secret: 'payload-adapter-suite-secret-0123456789',
      db,
      typescript: { autoGenerate: false },
      telemetry: false,
      collections,
    })
    const payload = await getPayload({ config, key: `adapter-suite-${kind}-${instances.size}` })
    return {
      payload,
      async close() {
        await closePayload(payload)
        await drop()
      },
    }
  }

  return {
    payload(): Payload {
      if (!current) throw new Error('runMigrations has not run yet')
      return current
    },
    async runMigrations(options: BetterAuthOptions) {
      const collections = buildBetterAuthCollections({ betterAuthOptions: options })
      const key = JSON.stringify(collections, (_, value) =>
        typeof value === 'function' ? 'function' : value,
      )
      let instance = instances.get(key)
      if (instance) {
        for (const collection of collections) {
          await instance.payload.db.deleteMany({ collection: collection.slug, where: {} })
        }
      } else {
        instance = await open(collections)
        instances.set(key, instance)
      }
      current = instance.payload
    },
    async close() {
      for (const instance of instances.values()) await instance.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

/** The parts of Better Auth's adapter suite, in the order they run. */
const SUITES = {
  normal: normalTestSuite,
  transactions: transactionsTestSuite,
  authFlow: authFlowTestSuite,
  numberId: numberIdTestSuite,
  joins: joinsTestSuite,
  uuid: uuidTestSuite,
  caseInsensitive: caseInsensitiveTestSuite,
}
export type AdapterSuite = keyof typeof SUITES

/**
 * Better Auth's own adapter suite against `payloadAdapter` on `kind`: every part the issue names,
 * or only `suites` (the compatibility job's smoke run takes `normal`). Every part runs whole: no
 * test is disabled (a disabled one would be listed here with its reason).
 */
export async function runAdapterSuite(
  kind: DatabaseKind,
  suites: AdapterSuite[] = Object.keys(SUITES) as AdapterSuite[],
): Promise<void> {
  const payloads = suitePayloads(kind)
  const { execute } = await testAdapter({
    adapter: () => payloadAdapter({ payload: () => payloads.payload() }),
    runMigrations: (options) => payloads.runMigrations(options),
    prefixTests: kind,
    tests: suites.map((suite) => SUITES[suite]()),
    onFinish: () => payloads.close(),
  })
  execute()
}
