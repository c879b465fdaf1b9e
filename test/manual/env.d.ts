// What an app declares for its environment (Next.js apps keep this in an env.d.ts); without it,
// strict TypeScript sees `process.env.REDIS_URL` as possibly undefined, which ioredis's types refuse.
declare namespace NodeJS {
  interface ProcessEnv {
    REDIS_URL: string
  }
}
