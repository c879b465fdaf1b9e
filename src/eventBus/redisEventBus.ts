import { describedAs, redisAddress } from '../shared/description.ts'
import { timestampChannel } from '../shared/keys.ts'
import {
  createChannelSubscriber,
  createCommandSender,
  type RedisClient,
  type RedisSubscriber,
} from '../shared/redisClient.ts'
import { defineEventBus } from './defineEventBus.ts'
import type { ClosableEventBus } from './types.ts'

export interface RedisEventBusOptions {
  /** Sends events; may be shared with other work (the storage's client, say). */
  publisher: RedisClient
  /** A connection of its own: subscribing puts it in subscriber mode. */
  subscriber: RedisSubscriber
  /** Prepended to every channel name. Default `eventbus:`. */
  channelPrefix?: string
  /** A command that gets no answer within this many ms fails with `StorageUnavailableError`. Default 5 000. */
  commandTimeoutMs?: number
}

/** Redis Pub/Sub: instant delivery to every subscribed process; both clients resubscribe after a reconnect. */
export function createRedisEventBus(options: RedisEventBusOptions): ClosableEventBus {
  const { publisher, subscriber, channelPrefix = 'eventbus:', commandTimeoutMs = 5_000 } = options
  if (publisher === (subscriber as unknown)) {
    throw new TypeError(
      'createRedisEventBus: publisher and subscriber must be two connections (a subscribed connection cannot publish)',
    )
  }
  const owner = 'createRedisEventBus'
  const send = createCommandSender(publisher, { owner, timeoutMs: commandTimeoutMs })
  const channels = createChannelSubscriber(subscriber, { owner, timeoutMs: commandTimeoutMs })
  const channelOf = (service: string) => channelPrefix + timestampChannel(service)

  const bus = defineEventBus(owner, (deliver) => ({
    publish(service, timestamp) {
      send('PUBLISH', channelOf(service), String(timestamp)).catch((error: unknown) =>
        console.error(`[eventBus] ${owner}: could not publish "${service}": ${String(error)}`),
      )
    },
    listen: (service) =>
      channels.subscribe(channelOf(service), (message) => {
        const timestamp = Number(message)
        if (Number.isFinite(timestamp)) deliver(service, timestamp)
      }),
    unlisten: (service) => channels.unsubscribe(channelOf(service)),
    close: () => channels.detach(),
  }))
  return describedAs(bus, `${redisAddress(publisher)} pub/sub, channels ${channelPrefix}*`)
}
