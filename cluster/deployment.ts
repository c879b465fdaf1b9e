// The demo as it is deployed at scale: a private PostgreSQL and Redis, the Better Auth service and
// N app instances (the production build) behind HAProxy, one set of secrets. Used by the fault
// harness (`npm run cluster`) and the throughput benchmark (`npm run bench`).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { secrets } from '../test/helpers/demoApp.ts'
import { freePort } from '../test/helpers/freePort.ts'
import { appInstance, betterAuthService, type ManagedProcess } from './processes.ts'
import { type Service, startHaproxy, startPostgres, startRedis } from './services.ts'

export interface Deployment {
  postgres: Service
  redis: Service
  service: ManagedProcess
  apps: ManagedProcess[]
  /** The load balancer, which is also the public URL. */
  url: string
  /** The environment every process shares (secrets included). */
  env: Record<string, string>
}

/**
 * Starts it all; what has started is pushed onto `cleanups` at once, so a failed start is cleaned
 * up too. `env` is added to every process's environment.
 */
export async function startDeployment({
  instances,
  env = {},
  cleanups,
  log = () => {},
}: {
  instances: number
  env?: Record<string, string>
  cleanups: Array<() => Promise<void>>
  log?(message: string): void
}): Promise<Deployment> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()])
  cleanups.push(postgres.destroy, redis.destroy)
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pba-cluster-data-'))
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }))
  const lbPort = await freePort()
  const url = `http://127.0.0.1:${lbPort}`
  const shared = {
    ...secrets(),
    NEXT_PUBLIC_SERVER_URL: url,
    DATABASE_URI: postgres.url,
    REDIS_URL: redis.url,
    DEMO_DATA_DIR: dataDir,
    ...env,
  }
  const service = await betterAuthService(shared)
  const appEnv = {
    ...shared,
    BETTER_AUTH_SERVICE_URL: service.url,
    INTERNAL_SERVER_URL: service.url,
  }
  const apps: ManagedProcess[] = []
  for (let i = 1; i <= instances; i++) apps.push(await appInstance(i, appEnv))
  cleanups.push(async () => {
    for (const process of [...apps, service]) await process.kill()
  })
  log(`starting the Better Auth service and ${instances} app instances`)
  await service.start()
  // The first instance runs Payload's migrations; the others start on a migrated database.
  await (apps[0] as ManagedProcess).start()
  await Promise.all(apps.slice(1).map((app) => app.start()))
  const lb = await startHaproxy(
    lbPort,
    apps.map((app) => app.port),
  )
  cleanups.push(lb.stop)
  return { postgres, redis, service, apps, url, env: shared }
}
