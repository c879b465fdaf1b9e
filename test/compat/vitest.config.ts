import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import base from '../../vitest.config.ts'

// The compatibility job's smoke subset (`.ci/compat <end>` runs it on the peers of one end of the
// tested ranges): storage, sync, request auth, Better Auth's adapter suite (normal part), the
// admin login view rendered by Next.js, the migration from Payload's login and the start-up checks. The `*.smoke.ts` files here are not `*.test.ts`, so
// `npm test` does not run them; it runs everything else, the whole adapter suite included.
//
// Reporters: vitest's default, and the one-line summary (test/setup/summaryLineReporter.ts) only
// when something failed. CI runs this after `npm test`, whose line closes the log when the smoke
// subset is green (its counts are the ones to read); a failing smoke run's line comes last instead,
// so the log's last "N passed, N failed" line never says 0 failed when CI failed.

export const SMOKE = [
  'test/storage.contract.test.ts',
  'test/storage.sqlite.test.ts',
  'test/betterAuth.storage.test.ts',
  'test/payload.sync.test.ts',
  'test/payload.session.test.ts',
  'test/compat/adapterNormal.smoke.ts',
  'test/compat/loginView.smoke.ts',
  // What leans on Better Auth's and Payload's internals: the migration from Payload's login (the
  // password context, the internal adapter, Payload's bin helpers) and the start-up checks.
  'test/payloadPasswords.test.ts',
  'test/migrate.payloadLogin.test.ts',
  'test/startup.checks.test.ts',
]

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: SMOKE,
    reporters: ['default', ['./test/setup/summaryLineReporter.ts', { onlyWhenFailed: true }]],
  },
})
