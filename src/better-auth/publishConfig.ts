import { PUBLISHED_CONFIG_KEY } from '../shared/keys.ts'
import type { PublishedConfig } from '../shared/publishedConfig.ts'
import type { SecondaryStorage } from '../storage/types.ts'

/** Writes the config where the Payload side reads it; a storage outage is the caller's to log. */
export async function publishConfig(
  storage: SecondaryStorage,
  config: PublishedConfig,
): Promise<void> {
  await storage.set(PUBLISHED_CONFIG_KEY, JSON.stringify(config))
}
