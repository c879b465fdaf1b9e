import { randomUUID } from 'node:crypto'
import type { TestProject } from 'vitest/node'
import './providedContext.ts'
import { CHROMIUM_PATH } from '../helpers/browser.ts'
import { ensureChromium } from './chromium.ts'
import { reachable } from './reachable.ts'

// Which real services the tests can reach. With CI=true every service is mandatory: the cases that
// need a missing one fail. Otherwise they are skipped, and this says so once, visibly.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
// The server only: each test makes (and drops) a database of its own on it.
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export default async function setup(project: TestProject) {
  const required = process.env.CI === 'true'
  const services = { Redis: REDIS_URL, PostgreSQL: POSTGRES_URL }
  const up: Record<string, boolean> = {}
  for (const [name, url] of Object.entries(services)) {
    up[name] = await reachable(url, name === 'Redis' ? 6379 : 5432)
    if (!up[name]) {
      console.log(
        required
          ? `\n✗ ${name} does not answer at ${url} and CI=true: the ${name} cases fail.\n`
          : `\n⚠ ${name} does not answer at ${url}: the ${name} cases are SKIPPED (CI=true makes them mandatory).\n`,
      )
    }
  }
  const chromium = ensureChromium()
  if (!chromium) {
    console.log(
      required
        ? `\n✗ Chromium is missing at ${CHROMIUM_PATH} and could not be installed, and CI=true: the browser cases fail.\n`
        : `\n⚠ Chromium is missing at ${CHROMIUM_PATH} (apt-get install chromium): the browser cases are SKIPPED.\n`,
    )
  }
  project.provide('chromiumPath', chromium ? CHROMIUM_PATH : null)
  project.provide('redisUrl', up.Redis ? REDIS_URL : null)
  project.provide('postgresUrl', up.PostgreSQL ? POSTGRES_URL : null)
  project.provide('servicesRequired', required)
  project.provide('runId', randomUUID())
}
