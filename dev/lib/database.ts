import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { postgresAdapter } from '@payloadcms/db-postgres'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import type { DatabaseAdapterObj } from 'payload'
import { migrations as postgresMigrations } from '../migrations/postgres/index.ts'
import { migrations as sqliteMigrations } from '../migrations/sqlite/index.ts'
import { databaseURI } from './env.ts'

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations')

/**
 * Payload's database from DATABASE_URI: PostgreSQL for `postgres://` URLs, SQLite otherwise. In
 * development Payload pushes the schema; in production (`npm run demo:start`) the committed
 * migrations run when Payload starts, before it serves anything.
 */
export function databaseAdapter(): DatabaseAdapterObj {
  if (/^postgres(ql)?:\/\//.test(databaseURI)) {
    return postgresAdapter({
      pool: { connectionString: databaseURI },
      migrationDir: path.join(migrationsDir, 'postgres'),
      prodMigrations: postgresMigrations,
    })
  }
  return sqliteAdapter({
    client: { url: databaseURI },
    migrationDir: path.join(migrationsDir, 'sqlite'),
    prodMigrations: sqliteMigrations,
  })
}
