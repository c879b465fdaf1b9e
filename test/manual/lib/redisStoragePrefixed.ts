import Redis from 'ioredis'
import { createRedisStorage } from 'payload-better-auth/storage'

const redis = new Redis(process.env.REDIS_URL)
export const storage = createRedisStorage({
  redis,
  prefix: 'myapp:ba:',
})
