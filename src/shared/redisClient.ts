import { StorageUnavailableError } from './errors.ts'

// One adapter for the two Redis clients people use. Commands go through each client's raw command
// API (ioredis `call`, node-redis `sendCommand`), which is identical across node-redis v4 and v5
// where the typed helpers (`set(key, value, { EX })`, ...) are not.

/** An ioredis client or cluster: `new Redis(process.env.REDIS_URL)`. */
export interface IORedisClient {
  call(command: string, ...args: Array<string | number>): Promise<unknown>
  readonly status: string
}

/** A node-redis v4/v5 client after `await client.connect()`. */
export interface NodeRedisClient {
  sendCommand(args: string[]): Promise<unknown>
  readonly isOpen: boolean
  readonly isReady: boolean
}

export type RedisClient = IORedisClient | NodeRedisClient

/** The subscriber side of Pub/Sub; must be a connection of its own (it enters subscriber mode). */
export interface IORedisSubscriber extends IORedisClient {
  subscribe(...channels: string[]): Promise<unknown>
  unsubscribe(...channels: string[]): Promise<unknown>
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  off(event: 'message', listener: (channel: string, message: string) => void): unknown
}

export interface NodeRedisSubscriber extends NodeRedisClient {
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>
  unsubscribe(
    channel: string,
    listener?: (message: string, channel: string) => void,
  ): Promise<unknown>
}

export type RedisSubscriber = IORedisSubscriber | NodeRedisSubscriber

export type SendCommand = (command: string, ...args: string[]) => Promise<unknown>

const isIORedis = (client: RedisClient): client is IORedisClient =>
  typeof (client as Partial<IORedisClient>).call === 'function'

function assertRedisClient(client: unknown, option: string): asserts client is RedisClient {
  const candidate = client as Partial<IORedisClient & NodeRedisClient> | null
  if (
    !candidate ||
    (typeof candidate.call !== 'function' && typeof candidate.sendCommand !== 'function')
  ) {
    throw new TypeError(
      `${option} must be an ioredis client (new Redis(url)) or a node-redis v4/v5 client (createClient({ url }))`,
    )
  }
}

function isReady(client: RedisClient): boolean {
  return isIORedis(client) ? client.status === 'ready' : client.isReady
}

function describeState(client: RedisClient): string {
  if (isIORedis(client)) return `ioredis status "${client.status}"`
  if (!client.isOpen) return 'node-redis client is not open: call `await client.connect()` first'
  return client.isReady ? 'node-redis client ready' : 'node-redis client reconnecting'
}

/**
 * Settles `start()`'s promise within `timeoutMs`. Both clients queue commands while disconnected,
 * so without a deadline a dead server means a caller that waits forever.
 */
function withinDeadline<T>(
  start: () => Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error,
  mapError: (error: unknown) => unknown,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs)
    let pending: Promise<T>
    try {
      pending = start()
    } catch (error) {
      // node-redis throws synchronously when the client was never connected.
      clearTimeout(timer)
      reject(mapError(error))
      return
    }
    pending.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(mapError(error))
      },
    )
  })
}

interface DeadlineOptions {
  timeoutMs: number
  /** Names the caller in error messages, e.g. "createRedisStorage". */
  owner: string
}

function deadlineFor(client: RedisClient, { timeoutMs, owner }: DeadlineOptions) {
  const unavailable = (action: string, reason: string, cause?: unknown) =>
    new StorageUnavailableError(
      `${owner}: Redis ${action} ${reason} (${describeState(client)}). Check that Redis is running and that REDIS_URL points at it.`,
      cause === undefined ? undefined : { cause },
    )
  return <T>(action: string, start: () => Promise<T>): Promise<T> =>
    withinDeadline(
      start,
      timeoutMs,
      () => unavailable(action, `got no answer within ${timeoutMs} ms`),
      // A reply error (wrong type, script error) is the caller's; a connection error is ours.
      (error) => (isReady(client) ? error : unavailable(action, 'failed', error)),
    )
}

/** Returns a function that runs one raw Redis command, settling within `timeoutMs`. */
export function createCommandSender(client: RedisClient, options: DeadlineOptions): SendCommand {
  assertRedisClient(client, `${options.owner}: redis`)
  const deadline = deadlineFor(client, options)
  if (isIORedis(client)) {
    return (command, ...args) => deadline(command, () => client.call(command, ...args))
  }
  return (command, ...args) => deadline(command, () => client.sendCommand([command, ...args]))
}

/** Routes each channel's messages to one handler, on either client. */
export interface ChannelSubscriber {
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>
  unsubscribe(channel: string): Promise<void>
  /** Stops routing messages; the connection itself stays the caller's to close. */
  detach(): void
}

export function createChannelSubscriber(
  subscriber: RedisSubscriber,
  options: DeadlineOptions,
): ChannelSubscriber {
  assertRedisClient(subscriber, `${options.owner}: subscriber`)
  const deadline = deadlineFor(subscriber, options)
  const handlers = new Map<string, (message: string) => void>()
  const route = (channel: string, message: string) => handlers.get(channel)?.(message)

  if (isIORedis(subscriber)) {
    const ioredis = subscriber as IORedisSubscriber
    ioredis.on('message', route)
    return {
      async subscribe(channel, onMessage) {
        handlers.set(channel, onMessage)
        await deadline(`SUBSCRIBE ${channel}`, async () => {
          // While its ready check (INFO) is in flight, ioredis writes SUBSCRIBE at once instead
          // of queueing it: the connection turns subscriber first and the check fails with it.
          if (ioredis.status === 'connect') {
            await new Promise((resolve) =>
              (ioredis as unknown as { once(event: 'ready', listener: () => void): unknown }).once(
                'ready',
                () => resolve(undefined),
              ),
            )
          }
          return ioredis.subscribe(channel)
        })
      },
      async unsubscribe(channel) {
        handlers.delete(channel)
        await deadline(`UNSUBSCRIBE ${channel}`, () => ioredis.unsubscribe(channel))
      },
      detach: () => {
        handlers.clear()
        ioredis.off('message', route)
      },
    }
  }

  const nodeRedis = subscriber as NodeRedisSubscriber
  // node-redis takes a listener per channel; it must be the same function to unsubscribe it.
  const listener = (message: string, channel: string) => route(channel, message)
  return {
    async subscribe(channel, onMessage) {
      handlers.set(channel, onMessage)
      await deadline(`SUBSCRIBE ${channel}`, () => nodeRedis.subscribe(channel, listener))
    },
    async unsubscribe(channel) {
      handlers.delete(channel)
      await deadline(`UNSUBSCRIBE ${channel}`, () => nodeRedis.unsubscribe(channel, listener))
    },
    detach: () => handlers.clear(),
  }
}
