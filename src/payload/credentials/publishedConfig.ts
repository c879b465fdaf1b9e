import { PUBLISHED_CONFIG_KEY } from '../../shared/keys.ts'
import { type PublishedConfig, parsePublishedConfig } from '../../shared/publishedConfig.ts'
import type { SecondaryStorage } from '../../storage/types.ts'

/**
 * Reads Better Auth's published rules (see `src/better-auth/publishConfig.ts`) at most once per
 * `refreshMs`, so a request normally costs no extra storage read. Concurrent callers share a read;
 * a failed read keeps the last value.
 */
export function publishedConfigReader(
  storage: SecondaryStorage,
  { refreshMs = 30_000, absentRetryMs = 5_000 } = {},
): () => Promise<PublishedConfig | null> {
  let value: PublishedConfig | null = null
  let readAt = Number.NEGATIVE_INFINITY
  let pending: Promise<PublishedConfig | null> | null = null
  return () => {
    // Until Better Auth has published, look again sooner.
    if (Date.now() - readAt < (value ? refreshMs : absentRetryMs)) return Promise.resolve(value)
    pending ??= storage
      .get(PUBLISHED_CONFIG_KEY)
      .then(
        (raw) => {
          value = parsePublishedConfig(raw)
          readAt = Date.now()
          return value
        },
        () => value,
      )
      .finally(() => {
        pending = null
      })
    return pending
  }
}
