import config from '@payload-config'
import { type Auth, createMigratedAuth } from './createAuth.ts'

// One instance per process of the Next.js app, its tables created (or brought up to date) before
// first use.
const globalAuth = globalThis as typeof globalThis & { __demoAuth?: Promise<Auth> }

export function getAuth(): Promise<Auth> {
  globalAuth.__demoAuth ??= createMigratedAuth(config, { inNext: true })
  return globalAuth.__demoAuth
}
