import type { TestProject } from 'vitest/node'
import './providedContext.ts'
import { reachable } from './reachable.ts'

// Which real services the tests can reach. With CI=true every service is mandatory: the cases that
// need a missing one fail. Otherwise they are skipped, and this says so once, visibly.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export default async function setup(project: TestProject) {
  const required = process.env.CI === 'true'
  const redis = await reachable(REDIS_URL)
  if (!redis) {
    console.log(
      required
        ? `\n✗ Redis does not answer at ${REDIS_URL} and CI=true: the Redis cases fail.\n`
        : `\n⚠ Redis does not answer at ${REDIS_URL}: the Redis cases are SKIPPED (CI=true makes them mandatory).\n`,
    )
  }
  project.provide('redisUrl', redis ? REDIS_URL : null)
  project.provide('servicesRequired', required)
}
