import type {
  Access,
  AccessArgs,
  CollectionConfig,
  Config,
  GlobalConfig,
  PayloadRequest,
  TypedUser,
} from 'payload'
import { betterAuthApiKey } from './usersAccess.ts'

// A Better Auth API key acts as its owner, narrowed by the key's `permissions`: with
// `{ posts: ['read'] }` it reads posts (where its owner may) and does nothing else. So every access
// rule of every collection and global is wrapped: the key's permission AND the rule as written (or
// Payload's default where none is). A key without permissions has its owner's access; a key never
// opens the admin panel.

type Operation = 'create' | 'read' | 'update' | 'delete'

/** The access operations of a collection, and which key permission each one needs. */
const COLLECTION_OPERATIONS = {
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  readVersions: 'read',
  unlock: 'update',
} as const satisfies Record<string, Operation>

const GLOBAL_OPERATIONS = {
  read: 'read',
  update: 'update',
  readVersions: 'read',
} as const satisfies Record<string, Operation>

/** Whether the request's API key (if it came with one) may do `operation` on `slug`. */
export function apiKeyAllows(user: unknown, slug: string, operation: Operation): boolean {
  const permissions = betterAuthApiKey(user)?.permissions
  if (!permissions) return true
  return permissions[slug]?.includes(operation) === true
}

// Payload's own defaults for a rule left out (`payload/dist/auth/defaultAccess.js`,
// `defaultUnlockAccess.js`, and `executeAccess` without a rule): any signed-in user.
const signedIn: Access = ({ req }) => Boolean(req.user)
const unlockDefault: Access = ({ req }) =>
  Boolean(req.user) && req.user?.collection === req.payload.config.admin.user

function narrowed(slug: string, operation: Operation, rule: Access | undefined): Access {
  const inner = rule ?? signedIn
  return (args: AccessArgs) => (apiKeyAllows(args.req.user, slug, operation) ? inner(args) : false)
}

type AdminAccess = NonNullable<NonNullable<CollectionConfig['access']>['admin']>

function noAdminForKeys(rule: AdminAccess | undefined): AdminAccess {
  return ({ req }: { req: PayloadRequest }) => {
    if (betterAuthApiKey(req.user)) return false
    if (rule) return rule({ req })
    // Payload's rule without one: the admin's user collection.
    const user = req.user as TypedUser | null
    return Boolean(user) && user?.collection === req.payload.config.admin.user
  }
}

export function narrowCollectionForApiKeys(collection: CollectionConfig): CollectionConfig {
  const access = collection.access ?? {}
  const wrapped: NonNullable<CollectionConfig['access']> = { ...access }
  for (const [name, operation] of Object.entries(COLLECTION_OPERATIONS)) {
    const key = name as keyof typeof COLLECTION_OPERATIONS
    const rule = access[key] ?? (key === 'unlock' ? unlockDefault : undefined)
    wrapped[key] = narrowed(collection.slug, operation, rule)
  }
  if (collection.auth) wrapped.admin = noAdminForKeys(access.admin)
  return { ...collection, access: wrapped }
}

export function narrowGlobalForApiKeys(global: GlobalConfig): GlobalConfig {
  const access = global.access ?? {}
  const wrapped: NonNullable<GlobalConfig['access']> = { ...access }
  for (const [name, operation] of Object.entries(GLOBAL_OPERATIONS)) {
    const key = name as keyof typeof GLOBAL_OPERATIONS
    wrapped[key] = narrowed(global.slug, operation, access[key])
  }
  return { ...global, access: wrapped }
}

/** The config with every collection's and global's access narrowed for API keys. */
export function narrowAccessForApiKeys(config: Config): Config {
  return {
    ...config,
    collections: config.collections?.map(narrowCollectionForApiKeys),
    globals: config.globals?.map(narrowGlobalForApiKeys),
  }
}
