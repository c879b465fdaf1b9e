import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getMigrations } from 'better-auth/db/migration'
import { getPayload, type Payload } from 'payload'
import { isMigratedHash, type MigrateOptions, migratePayloadUsers } from 'payload-better-auth'
import { expect, it, onTestFinished } from 'vitest'
import {
  type SiteEnv,
  type SiteStage,
  sentEmails,
  siteAuth,
  siteConfig,
} from './fixtures/payloadLoginSite/site.ts'
import { createPostgresDatabase, describeEachDatabase } from './helpers/databases.ts'
import { eventually } from './helpers/eventually.ts'
import { closePayload, payloadApis } from './helpers/payload.ts'
import { tempDir } from './helpers/tempDir.ts'

// A site built on Payload's own login moves to Better Auth with `payload-better-auth migrate`, in
// each topology: its users sign in through Better Auth with their old passwords, keep their
// verification state, names and the content that points at them, and the run survives being
// killed half way.

const BIN = fileURLToPath(new URL('../bin/payload-better-auth.js', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixtures/payloadLoginSite/', import.meta.url))

const people = [
  { email: 'alice@example.com', password: 'alice-old-password-1', name: 'Alice', verify: true },
  { email: 'bob@example.com', password: 'bob-old-password-22', name: 'Bob', verify: false },
  { email: 'carol@example.com', password: 'carol-old-password-333', name: 'Carol', verify: true },
]

interface CliRun {
  code: number | null
  output: string
}

/** Runs the bin as a user would, on the site of `env`; `killOn` kills it when its output matches. */
function runCli(env: SiteEnv, args: string[], killOn?: RegExp): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        ...args,
        '--config',
        join(FIXTURE, 'payload.config.ts'),
        '--auth',
        join(FIXTURE, 'auth.ts'),
      ],
      {
        env: {
          ...process.env,
          ...env,
          PAYLOAD_BETTER_AUTH_CLI_SOURCE: '1',
          // As on a production server: the schema is in place (the site started once with the
          // plugins) and Payload pushes none (a re-push of this SQLite schema trips over its own
          // unique index).
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    const take = (chunk: Buffer) => {
      output += chunk.toString()
      if (killOn?.test(output)) child.kill('SIGKILL')
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    // A run that hangs fails the test instead of holding it until the timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

async function startSite(env: SiteEnv) {
  const config = siteConfig(env)
  const key = randomUUID()
  const payload = await getPayload({ config, key })
  return { config, payload, ...payloadApis({ config, key }) }
}

const findUser = async (payload: Payload, email: string) =>
  (await payload.db.findOne({
    collection: 'users',
    where: { email: { equals: email } },
  })) as unknown as Record<string, unknown>

/** Stage one: the site on Payload's login, its users signed up and verified through REST. */
async function buildPayloadLoginSite(env: SiteEnv) {
  const site = await startSite({ ...env, SITE_STAGE: 'payload-login' })
  const ids: Record<string, string | number> = {}
  for (const person of people) {
    const response = await site.rest('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: person.email, password: person.password, name: person.name }),
    })
    expect(response.status, await response.clone().text()).toBe(201)
    const row = await findUser(site.payload, person.email)
    ids[person.email] = row.id as string | number
    if (person.verify) {
      const verified = await site.rest(`/users/verify/${String(row._verificationToken)}`, {
        method: 'POST',
      })
      expect(verified.status).toBe(200)
    }
  }
  const post = await site.rest('/posts', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: "Carol's post", author: ids['carol@example.com'] }),
  })
  expect(post.status).toBe(201)
  // Payload's login mails its own verification links (what the switch must stop).
  expect(sentEmails.map((mail) => mail.to)).toEqual(
    expect.arrayContaining(people.map((person) => person.email)),
  )
  const postId = ((await post.json()) as { doc: { id: string | number } }).doc.id
  // Payload's own login works before the move (and refuses the unverified user).
  const login = (email: string, password: string) =>
    site.rest('/users/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
  expect((await login('alice@example.com', 'alice-old-password-1')).status).toBe(200)
  expect((await login('bob@example.com', 'bob-old-password-22')).status).toBe(403)
  await closePayload(site.payload)
  return { ids, postId }
}

describeEachDatabase('migrate from Payload login', (kind) => {
  it.each<SiteStage>(['synced', 'shared'])(
    '%s topology: every user moves and signs in with the old password, then re-hashed by Better Auth',
    async (stage) => {
      const dir = tempDir(`migrate-${stage}`)
      const postgres = kind === 'postgres' ? await createPostgresDatabase('migrate') : undefined
      onTestFinished(() => postgres?.drop())
      const env: SiteEnv = {
        SITE_STAGE: stage,
        SITE_DATABASE: postgres?.url ?? join(dir, 'site.db'),
        SITE_AUTH_DATABASE: join(dir, 'auth.db'),
      }
      const { ids, postId } = await buildPayloadLoginSite(env)

      // The switch: the site's schema with the plugins, and (synced) Better Auth's own tables.
      const switched = await startSite(env)
      if (stage === 'synced') {
        const auth = siteAuth(env, switched.config, async () => switched.payload, { sync: false })
        await (await getMigrations(auth.options)).runMigrations()
      }
      await closePayload(switched.payload)

      const dryRun = await runCli(env, ['migrate', '--dry-run'])
      expect(dryRun.code, dryRun.output).toBe(0)
      expect(dryRun.output).toContain('Dry run (nothing written): 3 Payload users')
      expect(dryRun.output).toContain('3 migrated with their password')

      // Killed after the first user, then run again: the same end state as one clean run.
      const killed = await runCli(env, ['migrate', '--progress-every', '1'], /migrate: 1\/3 users/)
      expect(killed.code, killed.output).toBeNull()
      const resumed = await runCli(env, ['migrate'])
      expect(resumed.code, resumed.output).toBe(0)
      expect(resumed.output).toMatch(/\b(2|3) migrated with their password/)
      const again = await runCli(env, ['migrate'])
      expect(again.code, again.output).toBe(0)
      expect(again.output).toContain('3 already migrated')
      expect(again.output).not.toContain('migrated with their password')

      const site = await startSite({ ...env, SITE_PUSH: '0' })
      const auth = siteAuth(env, site.config, async () => site.payload)
      const context = await auth.$context
      try {
        for (const person of people) {
          const row = await findUser(site.payload, person.email)
          // Payload's copy of the hash is gone; the row (and what points at it) is the same row.
          expect(row.hash ?? null).toBeNull()
          expect(row.salt ?? null).toBeNull()
          expect(row.id).toBe(ids[person.email])
          const userId = stage === 'synced' ? String(row.baUserId) : String(row.id)
          const user = await context.internalAdapter.findUserById(userId)
          expect(user?.email).toBe(person.email)
          expect(user?.name).toBe(person.name)
          expect(user?.emailVerified).toBe(person.verify)
          const credential = async () =>
            (await context.internalAdapter.findAccounts(userId)).find(
              (account) => account.providerId === 'credential',
            )
          expect(isMigratedHash((await credential())?.password)).toBe(true)

          await expect(
            auth.api.signInEmail({ body: { email: person.email, password: 'not-the-password' } }),
          ).rejects.toThrow()
          const signedIn = await auth.api.signInEmail({
            body: { email: person.email, password: person.password },
          })
          expect(signedIn.user.id).toBe(userId)
          // Better Auth's own hash now, and it still takes the password.
          const rehashed = (await credential())?.password
          expect(isMigratedHash(rehashed)).toBe(false)
          expect(rehashed).toMatch(/^[0-9a-f]+:[0-9a-f]+$/)
          await auth.api.signInEmail({ body: { email: person.email, password: person.password } })
        }
        const { totalDocs } = await site.payload.db.count({ collection: 'users', where: {} })
        expect(totalDocs).toBe(3) // linked, not duplicated
        const post = (await site.payload.findByID({
          collection: 'posts',
          id: postId,
          depth: 0,
        })) as unknown as {
          author: unknown
        }
        expect(post.author).toBe(ids['carol@example.com'])

        // A new sign-up after the switch: a Payload user, and no mail from Payload's kept
        // `auth.verify` (Better Auth verifies emails now).
        await auth.api.signUpEmail({
          body: { email: 'dave@example.com', password: 'dave-new-password-4', name: 'Dave' },
        })
        await eventually(async () =>
          expect(await findUser(site.payload, 'dave@example.com')).toBeTruthy(),
        )
        expect(sentEmails.filter((mail) => mail.to === 'dave@example.com')).toEqual([])
      } finally {
        await closePayload(site.payload)
      }
    },
    180_000,
  )
})

it("a sign-up with a Payload user's email gets neither the row nor the migration's id", async () => {
  const dir = tempDir('migrate-attack')
  const env: SiteEnv = {
    SITE_STAGE: 'synced',
    SITE_DATABASE: join(dir, 'site.db'),
    SITE_AUTH_DATABASE: join(dir, 'auth.db'),
  }
  const { ids } = await buildPayloadLoginSite(env)
  const site = await startSite(env)
  const auth = siteAuth(env, site.config, async () => site.payload)
  await (await getMigrations(auth.options)).runMigrations()
  try {
    // Bob never verified his address in Payload; an attacker signs up with it first, asking for
    // the id the migration would give Bob's row.
    const claimed = `payload-${String(ids['bob@example.com'])}`
    const attacker = await auth.api.signUpEmail({
      body: {
        email: 'bob@example.com',
        password: 'attacker-password-1',
        name: 'Mallory',
        id: claimed,
      } as { email: string; password: string; name: string },
    })
    expect(attacker.user.id).not.toBe(claimed)
    const bob = await findUser(site.payload, 'bob@example.com')
    expect(bob.baUserId ?? null).toBeNull()
    expect(bob.name).toBe('Bob')

    // The migration then refuses to merge the two and says why.
    // (The fixture's two Better Auth shapes form a union no generic infers from.)
    const report = await migratePayloadUsers({
      payload: site.payload,
      auth: auth as unknown as MigrateOptions['auth'],
    })
    expect(report.failures).toEqual([
      expect.objectContaining({
        email: 'bob@example.com',
        reason: expect.stringContaining('Better Auth already has another user with this email'),
      }),
    ])
    expect((await findUser(site.payload, 'bob@example.com')).baUserId ?? null).toBeNull()
    expect(report.counts.migrated).toBe(2)
  } finally {
    await closePayload(site.payload)
  }
}, 120_000)
