import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { eventually } from './eventually.ts'
import { freePort } from './freePort.ts'

/** Whether a redis-server binary is installed to start private instances with. */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0

/**
 * A redis-server of the test's own on a free port, to stop and start at will; the machine's
 * shared Redis is never touched.
 */
export async function startPrivateRedis(extraArgs: string[] = []) {
  const port = await freePort()
  let server: ChildProcess | undefined

  const start = async () => {
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
        // Later arguments win: e.g. an append-only file that survives a restart.
        .concat(extraArgs),
      { stdio: 'ignore' },
    )
    await eventually(
      () =>
        new Promise<void>((resolve, reject) => {
          const probe = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' })
          if (probe.stdout.trim() === 'PONG') resolve()
          else reject(new Error(`redis-server on ${port} not up`))
        }),
    )
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server || server.exitCode !== null) return resolve()
      server.once('exit', () => resolve())
      server.kill('SIGKILL')
    })

  await start()
  return { url: `redis://127.0.0.1:${port}`, port, start, stop }
}
