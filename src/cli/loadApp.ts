import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Auth, BetterAuthOptions } from 'better-auth'
import type { SanitizedConfig } from 'payload'
import { findConfig, loadEnv } from 'payload/node'
import { PayloadBetterAuthError } from '../shared/errors.ts'

// The bin loads the app as Payload's own bin does: its `.env` files, its config found the same way
// (PAYLOAD_CONFIG_PATH, then the tsconfig's `@payload-config` path, then the usual places), its
// TypeScript through tsx (registered by the bin).

/** The app's Payload config, awaited. `configPath` overrides where Payload would look. */
export async function loadPayloadConfig(configPath?: string): Promise<SanitizedConfig> {
  loadEnv()
  if (configPath) process.env.PAYLOAD_CONFIG_PATH = path.resolve(configPath)
  const file = findConfig()
  const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown }
  return (await (loaded.default ?? loaded)) as SanitizedConfig
}

/** Where Better Auth's own CLI looks for the auth module, in its order. */
const AUTH_MODULE_CANDIDATES = ['auth', 'lib/auth', 'utils/auth', 'server/auth']
  .flatMap((file) => [file, `src/${file}`, `app/${file}`])
  .flatMap((file) => [`${file}.ts`, `${file}.js`])

/** A Better Auth instance, as the bin needs it: its API and its context. */
export type LoadedAuth = Pick<Auth<BetterAuthOptions>, 'api' | '$context' | 'options'>

/**
 * The app's Better Auth instance from the module at `authPath` (or the first of the usual places):
 * its `auth` export, its default export, or what its `getAuth()` resolves to.
 */
export async function loadAuth(authPath?: string): Promise<LoadedAuth> {
  const file = authPath
    ? path.resolve(authPath)
    : AUTH_MODULE_CANDIDATES.map((candidate) => path.resolve(candidate)).find(existsSync)
  if (!file || !existsSync(file)) {
    throw new PayloadBetterAuthError(
      `No Better Auth module found${authPath ? ` at ${authPath}` : ` (looked for ${AUTH_MODULE_CANDIDATES.slice(0, 4).join(', ')}, ...)`}.`,
      'Pass --auth <file>: a module that exports your Better Auth instance as `auth` (or default, or a `getAuth()` that returns it).',
    )
  }
  const loaded = (await import(pathToFileURL(file).href)) as {
    auth?: unknown
    default?: unknown
    getAuth?: () => unknown
  }
  const auth = await (loaded.auth ?? loaded.default ?? loaded.getAuth?.())
  if (!auth || typeof auth !== 'object' || !('$context' in auth) || !('api' in auth)) {
    throw new PayloadBetterAuthError(
      `${file} exports no Better Auth instance.`,
      'Export the value of betterAuth({...}) as `auth` (or default, or from a `getAuth()` function).',
    )
  }
  return auth as LoadedAuth
}
