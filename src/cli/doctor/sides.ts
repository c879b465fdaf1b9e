import type { BetterAuthOptions } from 'better-auth'
import type { SanitizedConfig } from 'payload'
import type { PayloadBetterAuthPluginOptions } from '../../better-auth/options.ts'
import { PLUGIN_ID } from '../../better-auth/plugin.ts'
import type { EventBus } from '../../eventBus/types.ts'
import type { BetterAuthPayloadPluginOptions } from '../../payload/options.ts'
import { PLUGIN_OPTIONS_KEY } from '../../payload/startup.ts'
import { DEFAULT_COLLECTION_PREFIX } from '../../shared/collectionSlugs.ts'
import type { ProbeSettings, Side } from '../../shared/startupProbe.ts'
import type { SecondaryStorage } from '../../storage/types.ts'

// Each side as its plugin sees it: the options it was given (Payload: `config.custom`, Better Auth:
// the plugin's `options`), the secrets resolved from them and the environment as the plugin does.

/** What doctor reads of the Better Auth instance. */
export interface DoctorAuth {
  options: BetterAuthOptions
  /** Better Auth's context: its adapter's id tells the shared-database topology. */
  $context?: PromiseLike<{ adapter: { id: string } }>
}

/** What doctor knows of one side: the plugin's options as given, resolved as the plugin does. */
export interface SideView {
  side: Side
  name: 'Payload' | 'Better Auth'
  storage: SecondaryStorage
  eventBus: EventBus
  syncSecret: string | undefined
  /** Payload: `betterAuthSecret`, which must be Better Auth's secret; Better Auth: its secret. */
  betterAuthSecret: string | undefined
  settings: ProbeSettings
}

export type PayloadSide = SideView & { disabled: boolean }

export type BetterAuthSide = SideView & { options: PayloadBetterAuthPluginOptions }

const env = (name: string) => process.env[name] || undefined
const envBetterAuthSecret = () => env('BETTER_AUTH_SECRET') ?? env('AUTH_SECRET')

/** Better Auth's secret, in Better Auth's own order. */
export const betterAuthSecretOf = (options: BetterAuthOptions) =>
  options.secret || envBetterAuthSecret()

/** The Payload side, or null when the config has no betterAuthPayloadPlugin. */
export function payloadSide(config: SanitizedConfig): PayloadSide | null {
  const options = config.custom?.[PLUGIN_OPTIONS_KEY] as BetterAuthPayloadPluginOptions | undefined
  if (!options) return null
  return {
    side: 'payload',
    name: 'Payload',
    disabled: options.disabled === true,
    storage: options.storage,
    eventBus: options.eventBus,
    syncSecret: options.syncSecret ?? env('BA_TO_PAYLOAD_SECRET'),
    betterAuthSecret: options.betterAuthSecret ?? envBetterAuthSecret(),
    settings: {
      basePath: options.betterAuthClientOptions.basePath ?? '/api/auth',
      usersSlug: options.usersSlug ?? 'users',
      collectionPrefix: options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    },
  }
}

/** The Better Auth side, or null when the instance has no payloadBetterAuthPlugin. */
export function betterAuthSide(auth: DoctorAuth): BetterAuthSide | null {
  const options = syncPluginOf(auth)?.options as PayloadBetterAuthPluginOptions | undefined
  if (!options) return null
  return {
    side: 'better-auth',
    name: 'Better Auth',
    options,
    storage: options.storage,
    eventBus: options.eventBus,
    syncSecret: options.syncSecret ?? env('BA_TO_PAYLOAD_SECRET'),
    betterAuthSecret: betterAuthSecretOf(auth.options),
    settings: {
      basePath: auth.options.basePath || '/api/auth',
      usersSlug: options.usersSlug ?? 'users',
      collectionPrefix: options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    },
  }
}

/** The instance's payloadBetterAuthPlugin: it makes the topology synced. */
export const syncPluginOf = (auth: DoctorAuth) =>
  auth.options.plugins?.find((candidate) => candidate.id === PLUGIN_ID)
