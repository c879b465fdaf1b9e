import { pbkdf2Sync, randomBytes } from 'node:crypto'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import { buildConfig, getPayload } from 'payload'
import { expect, it } from 'vitest'
import {
  toMigratedHash,
  verifyMigratedHash,
  withMigratedHashes,
} from '../src/better-auth/payloadPasswords.ts'
import { closePayload } from './helpers/payload.ts'

// The check of passwords moved from Payload's login, against hashes Payload itself wrote.

it("accepts exactly the password Payload hashed (the installed Payload's format)", async () => {
  const config = buildConfig({
    secret: 'payload-passwords-test-secret-0123456789',
    db: sqliteAdapter({ client: { url: ':memory:' } }),
    typescript: { autoGenerate: false },
    telemetry: false,
    collections: [{ slug: 'users', auth: true, fields: [] }],
  })
  const payload = await getPayload({ config, key: 'payload-passwords' })
  try {
    await payload.create({
      collection: 'users',
      data: { email: 'old@example.com', password: 'the-old-password' },
    })
    const row = (await payload.db.findOne({
      collection: 'users',
      where: { email: { equals: 'old@example.com' } },
    })) as unknown as { salt: string; hash: string }
    // Payload 3.x before its `pbkdf2-sha256-v1:` hashes wrote the legacy format: either is checked.
    expect(row.hash).toMatch(/^(pbkdf2-sha256-v1:[0-9a-f]{64}|[0-9a-f]{1024})$/)
    const stored = toMigratedHash(row.salt, row.hash)
    expect(await verifyMigratedHash(stored, 'the-old-password')).toBe(true)
    expect(await verifyMigratedHash(stored, 'the-old-password ')).toBe(false)
    expect(await verifyMigratedHash(stored, '')).toBe(false)
  } finally {
    await closePayload(payload)
  }
})

it("accepts Payload's legacy hashes (25 000 iterations, 512 bytes) and refuses malformed ones", async () => {
  const salt = randomBytes(32).toString('hex')
  const legacy = pbkdf2Sync('legacy-password', salt, 25_000, 512, 'sha256').toString('hex')
  expect(await verifyMigratedHash(toMigratedHash(salt, legacy), 'legacy-password')).toBe(true)
  expect(await verifyMigratedHash(toMigratedHash(salt, legacy), 'legacy-passwore')).toBe(false)
  // A truncated hash, a missing salt: refused, never thrown.
  expect(await verifyMigratedHash(toMigratedHash(salt, legacy.slice(2)), 'legacy-password')).toBe(
    false,
  )
  expect(await verifyMigratedHash(toMigratedHash('', legacy), 'legacy-password')).toBe(false)
})

it("leaves every other hash to Better Auth's own check", async () => {
  const seen: string[] = []
  const verify = withMigratedHashes(async ({ hash }) => {
    seen.push(hash)
    return hash === 'salt:key'
  })
  expect(await verify({ hash: 'salt:key', password: 'x' })).toBe(true)
  expect(await verify({ hash: toMigratedHash('aa', 'bb'), password: 'x' })).toBe(false)
  expect(seen).toEqual(['salt:key'])
})
