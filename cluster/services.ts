// The cluster's infrastructure, each a process of its own on a free port, to stop and start at
// will without touching the machine's shared services: PostgreSQL (a fresh data directory),
// Redis (append-only file, so a restart keeps the queue and sessions, as production Redis does)
// and HAProxy in front of the app instances.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from '../test/helpers/freePort.ts'
import { startPrivateRedis } from '../test/helpers/privateRedis.ts'

const asRoot = process.getuid?.() === 0

/** Runs a PostgreSQL tool, as the `postgres` user when we are root (PostgreSQL refuses root). */
function pgTool(tool: string, args: string[]) {
  const [command, full] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', tool, ...args]]
    : [tool, args]
  const result = spawnSync(command, full, { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
  }
}

export interface Service {
  url: string
  /** Stops at once (kill -9 for Redis, immediate shutdown for PostgreSQL). */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops and removes its data. */
  destroy(): Promise<void>
}

export async function startPostgres(): Promise<Service> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pba-cluster-pg-'))
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir])
  const data = path.join(dir, 'data')
  pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`
  const start = async () =>
    pgTool('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start'])
  const stop = async () => pgTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function startRedis(): Promise<Service> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pba-cluster-redis-'))
  const redis = await startPrivateRedis([
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ])
  return {
    url: redis.url,
    start: redis.start,
    stop: redis.stop,
    async destroy() {
      await redis.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** HAProxy, installed from the distribution's packages when missing (as root). */
export function ensureHaproxy(): void {
  if (spawnSync('haproxy', ['-v']).status === 0) return
  if (!asRoot) {
    throw new Error('HAProxy is missing: install it (apt-get install -y haproxy), then run again.')
  }
  console.log("HAProxy is missing: installing Debian's package (once)...")
  const result = spawnSync('apt-get', ['install', '-y', 'haproxy'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`apt-get install haproxy failed: ${result.stderr}`)
}

/** HAProxy on `port`: round robin over `backends`, each health-checked every 500 ms. */
export async function startHaproxy(port: number, backends: number[]) {
  ensureHaproxy()
  const dir = mkdtempSync(path.join(tmpdir(), 'pba-cluster-lb-'))
  const config = path.join(dir, 'haproxy.cfg')
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  option redispatch',
      '  retries 2',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend apps',
      'backend apps',
      '  balance roundrobin',
      // Payload alone (no Better Auth call): an instance is up when its Payload answers.
      '  option httpchk GET /api/users/me',
      '  default-server inter 500 fall 2 rise 1',
      ...backends.map((backend, i) => `  server app${i + 1} 127.0.0.1:${backend} check`),
      '',
    ].join('\n'),
  )
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  await waitFor(
    async () => (await fetch(`${url}/api/users/me`).catch(() => null))?.ok === true,
    120_000,
  )
  return {
    url,
    async stop() {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function waitFor(
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await Promise.resolve(ready()).catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
