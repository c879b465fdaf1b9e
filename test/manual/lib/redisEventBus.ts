import Redis from 'ioredis'
import { createRedisEventBus } from 'payload-better-auth/eventBus'

const publisher = new Redis(process.env.REDIS_URL)
const subscriber = new Redis(process.env.REDIS_URL)
export const eventBus = createRedisEventBus({ publisher, subscriber })
