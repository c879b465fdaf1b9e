// The cluster's app processes: the demo's Better Auth service and N instances of the Payload app
// (`next start` of the production build), all with one environment: one PostgreSQL, one Redis,
// one set of secrets, and the load balancer's URL as the public one.
import { type ChildProcess, spawn } from 'node:child_process'
import { DEV_DIR, DIST_DIR, NEXT_BIN } from '../test/helpers/demoApp.ts'
import { freePort } from '../test/helpers/freePort.ts'
import { waitFor } from './services.ts'

export interface ManagedProcess {
  name: string
  port: number
  url: string
  /** kill -9. */
  kill(): Promise<void>
  /** Starts it again on the same port; resolves once it answers. */
  start(): Promise<void>
  output(): string
}

function managed(
  name: string,
  port: number,
  args: string[],
  env: Record<string, string>,
  readyPath: string,
): ManagedProcess {
  const url = `http://127.0.0.1:${port}`
  const log: string[] = []
  let child: ChildProcess | undefined
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString())
    if (log.length > 500) log.splice(0, log.length - 500)
  }
  return {
    name,
    port,
    url,
    output: () => log.join(''),
    async start() {
      child = spawn(process.execPath, args, {
        cwd: DEV_DIR,
        env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.stdout?.on('data', keep)
      child.stderr?.on('data', keep)
      const started = child
      await waitFor(async () => {
        if (started.exitCode !== null) throw new Error(`${name} exited:\n${log.join('')}`)
        return (await fetch(`${url}${readyPath}`).catch(() => null))?.ok === true
      }, 120_000)
    },
    async kill() {
      const running = child
      // Killed by a signal, a process keeps a null exitCode: its signalCode says it is gone.
      if (!running || running.exitCode !== null || running.signalCode !== null) return
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve())
        running.kill('SIGKILL')
      })
    },
  }
}

export async function betterAuthService(env: Record<string, string>): Promise<ManagedProcess> {
  const port = await freePort()
  return managed(
    'better-auth',
    port,
    ['--import', 'tsx', 'auth-service/server.ts'],
    // Where this server reaches Better Auth is itself (its Payload's start-up announcement).
    {
      ...env,
      BETTER_AUTH_SERVICE_PORT: String(port),
      INTERNAL_SERVER_URL: `http://127.0.0.1:${port}`,
    },
    '/api/auth/warmup',
  )
}

export async function appInstance(
  index: number,
  env: Record<string, string>,
): Promise<ManagedProcess> {
  const port = await freePort()
  return managed(
    `app${index}`,
    port,
    [NEXT_BIN, 'start', '--port', String(port)],
    { ...env, NEXT_DIST_DIR: DIST_DIR, PORT: String(port) },
    '/api/users/me',
  )
}
