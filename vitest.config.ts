import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = fileURLToPath(new URL('./src', import.meta.url))

export default defineConfig({
  resolve: {
    // Tests import the package by its public names, from source.
    alias: [
      { find: /^payload-better-auth$/, replacement: `${src}/index.ts` },
      { find: /^payload-better-auth\/(client|rsc)$/, replacement: `${src}/exports/$1.ts` },
      { find: /^payload-better-auth\/(.+)$/, replacement: `${src}/$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/services.ts'],
    reporters: ['default', './test/setup/summaryLineReporter.ts'],
    // Every test database is new: Payload must push the schema even when an earlier instance in
    // this process had the same one (it caches the last schema pushed and skips identical pushes).
    env: { PAYLOAD_FORCE_DRIZZLE_PUSH: 'true' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
