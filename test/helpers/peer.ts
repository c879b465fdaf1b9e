import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { PeerConfig } from '../fixtures/peer.ts'

const PEER = fileURLToPath(new URL('../fixtures/peer.ts', import.meta.url))

export interface Peer {
  request<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>
  /** Timestamps this peer received for `service`, in arrival order. */
  received(service: string): number[]
  /** Ends the process (SIGTERM, or SIGKILL to give it no chance to clean up). */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Starts `test/fixtures/peer.ts` in its own Node process and waits until it is up. */
export async function startPeer(config: PeerConfig): Promise<Peer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', PEER, JSON.stringify(config)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const events = new Map<string, number[]>()
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  let nextId = 1
  let buffer = ''

  const up = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`peer exited with code ${code} before it was up`)),
    )
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let newline = buffer.indexOf('\n')
      while (newline >= 0) {
        const message = JSON.parse(buffer.slice(0, newline))
        buffer = buffer.slice(newline + 1)
        newline = buffer.indexOf('\n')
        if (message.ready) resolve()
        else if (message.event) {
          const list = events.get(message.event) ?? []
          list.push(message.timestamp)
          events.set(message.event, list)
        } else {
          const pending = waiting.get(message.id)
          waiting.delete(message.id)
          if (message.error) pending?.reject(new Error(`peer: ${message.error}`))
          else pending?.resolve(message.result)
        }
      }
    })
  })
  // A peer that cannot start (a dead service, say) must fail the test, not leave it waiting.
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`peer did not start within 15 s (config ${JSON.stringify(config)})`))
    }, 15_000)
  })
  try {
    await Promise.race([up, timeout])
  } finally {
    clearTimeout(timer)
  }

  return {
    request<T>(op: string, args: Record<string, unknown> = {}) {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
        child.stdin?.write(`${JSON.stringify({ id, op, args })}\n`)
      })
    },
    received: (service) => events.get(service) ?? [],
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill(signal)
      }),
  }
}
