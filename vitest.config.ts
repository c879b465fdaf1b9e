import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = fileURLToPath(new URL('./src', import.meta.url))

export default defineConfig({
  resolve: {
    // Tests import the package by its public names, from source.
    alias: [
      { find: /^payload-better-auth$/, replacement: `${src}/index.ts` },
      { find: /^payload-better-auth\/(.+)$/, replacement: `${src}/$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/services.ts'],
    reporters: ['default', './test/setup/summaryLineReporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
