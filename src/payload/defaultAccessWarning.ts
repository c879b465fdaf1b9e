import type { Config } from 'payload'

// Payload's default for an access rule an app did not write is "any signed-in user". With Better
// Auth, anyone can sign up, so at start-up the plugin names every rule still left on that default.

const COLLECTION_OPERATIONS = ['create', 'read', 'update', 'delete'] as const
const GLOBAL_OPERATIONS = ['read', 'update'] as const

/** `"posts (create, update)"` for every collection or global with rules left on Payload's default. */
export function rulesOnPayloadDefault(config: Config, skip: ReadonlySet<string>): string[] {
  const found: string[] = []
  for (const collection of config.collections ?? []) {
    if (skip.has(collection.slug)) continue
    const open = COLLECTION_OPERATIONS.filter((op) => !collection.access?.[op])
    if (open.length > 0) found.push(`${collection.slug} (${open.join(', ')})`)
  }
  for (const global of config.globals ?? []) {
    const open = GLOBAL_OPERATIONS.filter((op) => !global.access?.[op])
    if (open.length > 0) found.push(`global ${global.slug} (${open.join(', ')})`)
  }
  return found
}

export function defaultAccessWarning(rules: string[]): string | null {
  if (rules.length === 0) return null
  return (
    `[payload-better-auth] every Better Auth sign-up is a signed-in Payload user, and these access rules are still Payload's default "any signed-in user": ${rules.join('; ')}. ` +
    'Write them in the collection\'s `access` (e.g. `({ req }) => hasAdminRole(req.user, ["admin"])` from payload-better-auth, or `() => true` where the public may).'
  )
}
