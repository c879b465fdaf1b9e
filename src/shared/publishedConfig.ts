import type { BetterAuthOptions } from 'better-auth'

// What the Better Auth plugin publishes of Better Auth's resolved options, in the shared storage
// under `PUBLISHED_CONFIG_KEY`, so the Payload side applies the same session rules without being
// told twice: sliding expiry, the cookie cache, API-key headers and the JWT plugin's claims.

/** Better Auth's cookie-cache encodings (`session.cookieCache.strategy`). */
export type CookieCacheEncoding = 'compact' | 'jwt' | 'jwe'

export interface PublishedConfig {
  /** Better Auth's `session` rules, in seconds, as its `get-session` applies them. */
  session: {
    expiresIn: number
    updateAge: number
    disableSessionRefresh: boolean
  }
  /**
   * `session.cookieCache` when it is on and Payload can judge it alone: null when off, or when its
   * `version` is a function (only Better Auth can call it; Payload then reads the storage).
   */
  cookieCache: { encoding: CookieCacheEncoding; maxAge: number; version: string } | null
  /** The API-key plugin's headers (`apiKeyHeaders`), or null without the plugin. */
  apiKey: { headers: string[] } | null
  /** The JWT plugin's claims and key set path (under Better Auth's base path), or null without it. */
  jwt: { issuer: string; audience: string | string[]; jwksPath: string } | null
}

/** The published config if `raw` has its shape, else null (Payload then uses none of it). */
export function parsePublishedConfig(raw: string | null): PublishedConfig | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<PublishedConfig> | null
    const session = value?.session
    if (
      !session ||
      !(session.expiresIn > 0) ||
      !(session.updateAge >= 0) ||
      typeof session.disableSessionRefresh !== 'boolean'
    ) {
      return null
    }
    return {
      session,
      cookieCache: value?.cookieCache ?? null,
      apiKey: value?.apiKey ?? null,
      jwt: value?.jwt ?? null,
    }
  } catch {
    return null
  }
}

/** The JWT plugin's options we read (its plugin object carries them as `options`). */
interface JwtPluginOptions {
  jwt?: { issuer?: string; audience?: string | string[] }
  jwks?: { jwksPath?: string }
}

/**
 * What Payload needs of Better Auth's resolved options to judge credentials as Better Auth does.
 * `apiKeyHeaders` repeats the API-key plugin's option of that name (the plugin does not expose it).
 */
export function publishedConfig(
  options: BetterAuthOptions,
  apiKeyHeaders: string | string[] = 'x-api-key',
): PublishedConfig {
  const plugins = options.plugins ?? []
  const cache = options.session?.cookieCache
  const version = cache?.version ?? '1'
  const jwtPlugin = plugins.find((plugin) => plugin.id === 'jwt') as
    | { options?: JwtPluginOptions }
    | undefined
  // The JWT plugin defaults both claims to `baseURL` as written; without either, Payload accepts no
  // JWT (Better Auth would sign and verify them unchecked, with a warning).
  const baseURL = typeof options.baseURL === 'string' ? options.baseURL : ''
  const issuer = jwtPlugin?.options?.jwt?.issuer ?? baseURL
  const audience = jwtPlugin?.options?.jwt?.audience ?? baseURL
  return {
    session: {
      // Better Auth's defaults (and its `||`): seven days, one day.
      expiresIn: options.session?.expiresIn || 7 * 24 * 3600,
      updateAge: options.session?.updateAge ?? 24 * 3600,
      disableSessionRefresh: options.session?.disableSessionRefresh === true,
    },
    cookieCache:
      cache?.enabled === true && typeof version === 'string'
        ? {
            encoding: (cache.strategy ?? 'compact') as CookieCacheEncoding,
            maxAge: cache.maxAge || 300,
            version,
          }
        : null,
    apiKey: plugins.some((plugin) => plugin.id === 'api-key')
      ? { headers: [apiKeyHeaders].flat().map((name) => name.toLowerCase()) }
      : null,
    jwt:
      jwtPlugin && issuer && audience.length > 0
        ? { issuer, audience, jwksPath: jwtPlugin.options?.jwks?.jwksPath ?? '/jwks' }
        : null,
  }
}
