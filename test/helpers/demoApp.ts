import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { betterAuthService } from '../../cluster/processes.ts'
import { freePort } from './freePort.ts'

// The demo app (dev/) as users run it in production: `next build` once, then `next start` with the
// environment of each topology. Migrations run at start (dev/instrumentation.ts). NODE_ENV is
// `production` as `npm run demo:*` have it: `next` keeps an inherited value (vitest sets `test`),
// which the bundle's inlined checks ignore but run-time reads (dev/lib/env.ts: /mailbox) do not.

export const DEV_DIR = path.resolve(import.meta.dirname, '../../dev')
export const NEXT_BIN = path.resolve(import.meta.dirname, '../../node_modules/next/dist/bin/next')
/** Not `.next`: a developer's `npm run dev` keeps its own build. */
export const DIST_DIR = '.next-test'

const secret = () => randomBytes(32).toString('base64url')

/** Fresh production-strength secrets (the plugins refuse weak ones when NODE_ENV=production). */
export function secrets(): Record<
  'PAYLOAD_SECRET' | 'BETTER_AUTH_SECRET' | 'BA_TO_PAYLOAD_SECRET' | 'RECONCILE_TOKEN',
  string
> {
  return {
    PAYLOAD_SECRET: secret(),
    BETTER_AUTH_SECRET: secret(),
    BA_TO_PAYLOAD_SECRET: secret(),
    RECONCILE_TOKEN: secret(),
  }
}

function run(args: string[], env: Record<string, string>, log: string[]): ChildProcess {
  const child = spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: DEV_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_DIST_DIR: DIST_DIR,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString())
    if (log.length > 400) log.splice(0, log.length - 400)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return child
}

/**
 * `next build` of the demo, once per test run (`runId`) however many test files (processes) ask:
 * a lock directory lets one build while the others wait, and a stamp in the build says for which
 * run it was made. Resolves when it succeeded, rejects with its output otherwise.
 */
export async function buildDemo(runId: string): Promise<void> {
  const lock = path.join(DEV_DIR, `${DIST_DIR}.lock`)
  const stamp = path.join(DEV_DIR, DIST_DIR, `.built-for-${runId}`)
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // A lock older than any build was left by a run that was killed: take it over.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > 5 * 60_000) rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`the demo build lock ${lock} was never released`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    if (existsSync(stamp)) return
    await nextBuild()
    writeFileSync(stamp, '')
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

async function nextBuild(): Promise<void> {
  const log: string[] = []
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pba-demo-build-'))
  const child = run(['build'], { ...secrets(), DEMO_DATA_DIR: dataDir }, log)
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  rmSync(dataDir, { recursive: true, force: true })
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${log.join('')}`)
}

export interface DemoServer {
  url: string
  /** Its `RECONCILE_TOKEN`, for the `x-reconcile-token` header of `/api/auth/reconcile/*`. */
  reconcileToken: string
  /** The server's recent output, for failure messages. */
  output(): string
  /** Stops the Better Auth service, when the demo runs with one. */
  stopAuthService?(): Promise<void>
  stop(): Promise<void>
}

/**
 * `next start` of the built demo on a free port, with its own data folder and fresh secrets;
 * `env` adds DATABASE_URI / REDIS_URL for the services topology. Resolves once the app answers.
 */
export async function startDemo(
  env: Record<string, string> = {},
  { authService = false }: { authService?: boolean } = {},
): Promise<DemoServer> {
  const port = await freePort()
  const url = `http://localhost:${port}`
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pba-demo-'))
  const log: string[] = []
  const serverSecrets = secrets()
  const shared = {
    ...serverSecrets,
    NEXT_PUBLIC_SERVER_URL: url,
    INTERNAL_SERVER_URL: url,
    DEMO_DATA_DIR: dataDir,
    ...env,
  }
  // Better Auth as a service of its own (dev/auth-service), started first: the app forwards
  // /api/auth/* to it, and its Payload reads the migrations the app runs.
  const service = authService ? await betterAuthService(shared) : undefined
  await service?.start()
  const child = run(
    ['start', '--port', String(port)],
    {
      ...shared,
      PORT: String(port),
      ...(service && { BETTER_AUTH_SERVICE_URL: service.url, INTERNAL_SERVER_URL: service.url }),
    },
    log,
  )
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    await service?.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the demo exited (code ${child.exitCode}) before answering:\n${log.join('')}`)
    }
    const ready = await fetch(`${url}/api/auth/methods`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the demo did not answer at ${url} within 120 s:\n${log.join('')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const reconcileToken = env.RECONCILE_TOKEN ?? serverSecrets.RECONCILE_TOKEN
  return {
    url,
    reconcileToken,
    output: () => log.join('') + (service?.output() ?? ''),
    ...(service && { stopAuthService: service.kill }),
    stop,
  }
}
