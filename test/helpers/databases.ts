import { randomUUID } from 'node:crypto'
import { postgresAdapter } from '@payloadcms/db-postgres'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import type { DatabaseAdapterObj } from 'payload'
import pg from 'pg'
import { describe, inject, it } from 'vitest'

/** A fresh, empty Payload database, and how to throw it away. */
export interface TestDatabase {
  name: 'sqlite' | 'postgres'
  adapter: DatabaseAdapterObj
  drop(): Promise<void>
}

export type DatabaseKind = TestDatabase['name']

/** SQLite in memory, or a new database on the machine's PostgreSQL (dropped afterwards). */
export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    return {
      name: kind,
      adapter: sqliteAdapter({ client: { url: ':memory:' } }),
      drop: async () => {},
    }
  }
  const database = await createPostgresDatabase()
  return {
    name: kind,
    adapter: postgresAdapter({ pool: { connectionString: database.url } }),
    drop: database.drop,
  }
}

/** A new, empty database on the machine's PostgreSQL: its URL, and how to drop it. */
export async function createPostgresDatabase(
  label = 'test',
): Promise<{ url: string; drop(): Promise<void> }> {
  const server = inject('postgresUrl') as string
  const database = `pba_${label}_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const url = new URL(server)
  url.pathname = `/${database}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      await client.end()
    },
  }
}

/**
 * Runs `body` once per database kind: SQLite always, PostgreSQL when it answers (with CI=true a
 * missing PostgreSQL fails instead of skipping).
 */
export function describeEachDatabase(name: string, body: (kind: DatabaseKind) => void): void {
  describe(`${name} (sqlite)`, () => body('sqlite'))
  if (inject('postgresUrl')) {
    describe(`${name} (postgres)`, () => body('postgres'))
  } else if (inject('servicesRequired')) {
    describe(`${name} (postgres)`, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`CI=true requires PostgreSQL, and it does not answer: ${name} cannot run`)
      })
    })
  } else {
    describe.skip(`${name} (postgres)`, () => body('postgres'))
  }
}
