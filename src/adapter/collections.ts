import type { BetterAuthOptions } from 'better-auth'
import type { AuthStrategy, CollectionConfig, Config, Field, Plugin } from 'payload'
import { betterAuthStrategy } from '../payload/sessionStrategy.ts'
import { BETTER_AUTH_DEV_SECRET, requireSecret } from '../shared/secrets.ts'
import { type SessionCookieOptions, sessionCookieNames } from '../shared/sessionToken.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import {
  fieldKind,
  idKind,
  type StoredField,
  type StoredModel,
  storedModels,
} from './schemaFields.ts'

export interface BetterAuthCollectionsOptions {
  /**
   * The same options given to `betterAuth(...)` (the `database` may be left out): they decide which
   * tables exist (core and every plugin), their slugs (`modelName`), field names and id type.
   */
  betterAuthOptions: BetterAuthOptions
  /** Hide Better Auth's own collections from the admin panel. Default true. */
  hidden?: boolean
  /**
   * Authenticate Payload requests from Better Auth's session cookie, read from the storage Better
   * Auth keeps its sessions in (its `secondaryStorage`): no HTTP call, no session query. Needs the
   * user model on an auth collection (`user: { modelName: 'users' }`).
   */
  session?: SessionCookieOptions & {
    storage: SecondaryStorage
    /** Verifies session cookies. Default `process.env.BETTER_AUTH_SECRET`. */
    betterAuthSecret?: string
  }
}

const closed = () => false

/**
 * Better Auth's tables as Payload collections. A model whose `modelName` is an existing collection
 * (the app's users, say) gets Better Auth's fields added to it; every other model becomes a new
 * collection, closed to every request (only `payloadAdapter`, with `overrideAccess`, reads it).
 */
export function buildBetterAuthCollections(
  options: BetterAuthCollectionsOptions,
  existing: readonly CollectionConfig[] = [],
): CollectionConfig[] {
  const models = storedModels(options.betterAuthOptions)
  const kind = idKind(options.betterAuthOptions)
  const slugOf = (model: string) =>
    models.get(model)?.slug ?? [...models.values()].find((m) => m.slug === model)?.slug ?? model
  const bySlug = new Map(existing.map((collection) => [collection.slug, collection]))

  const strategy = options.session && sessionStrategy(options.session, models.get('user')?.slug)
  const result = existing.map((collection) => {
    const model = [...models.values()].find((m) => m.slug === collection.slug)
    if (!model) return collection
    const extended = extendCollection(collection, model, kind, slugOf)
    if (!strategy || model.key !== 'user') return extended
    const auth = typeof extended.auth === 'object' ? extended.auth : {}
    return { ...extended, auth: { ...auth, strategies: [...(auth.strategies ?? []), strategy] } }
  })
  const userSlug = models.get('user')?.slug
  if (strategy && !existing.some((collection) => collection.slug === userSlug && collection.auth)) {
    throw new Error(
      `payload-better-auth: \`session\` authenticates Payload users, but Better Auth's user model ` +
        `("${userSlug}") is not an auth collection of this config. Set \`user: { modelName: ` +
        `'users' }\` in the Better Auth options (your users collection's slug).`,
    )
  }
  for (const model of models.values()) {
    if (bySlug.has(model.slug)) continue
    result.push({
      slug: model.slug,
      admin: { hidden: options.hidden ?? true },
      access: { read: closed, create: closed, update: closed, delete: closed },
      // Better Auth writes createdAt/updatedAt itself, as fields of its own.
      timestamps: false,
      lockDocuments: false,
      fields: [
        ...(kind === 'text' ? [textId] : []),
        ...[...model.fields.values()].map((field) => payloadField(field, slugOf)),
      ],
    })
  }
  return result
}

/** A Payload plugin adding Better Auth's collections to the config (see `buildBetterAuthCollections`). */
export function betterAuthCollections(options: BetterAuthCollectionsOptions): Plugin {
  return (config: Config): Config => ({
    ...config,
    collections: buildBetterAuthCollections(options, config.collections ?? []),
  })
}

function sessionStrategy(
  session: NonNullable<BetterAuthCollectionsOptions['session']>,
  usersSlug: string | undefined,
): AuthStrategy {
  const betterAuthSecret = requireSecret(
    'BETTER_AUTH_SECRET',
    session.betterAuthSecret ?? (process.env.BETTER_AUTH_SECRET || process.env.AUTH_SECRET),
    { owner: 'betterAuthCollections', devFallback: BETTER_AUTH_DEV_SECRET },
  )
  return betterAuthStrategy({
    storage: session.storage,
    usersSlug: usersSlug ?? 'user',
    betterAuthSecret,
    cookieNames: sessionCookieNames(session),
    userIdField: 'id',
  })
}

const textId: Field = { name: 'id', type: 'text', admin: { readOnly: true } }

function payloadField(field: StoredField, slugOf: (model: string) => string): Field {
  const { name, attributes } = field
  // Better Auth enforces `required` and defaults itself; Payload's `required` would also refuse
  // empty strings Better Auth accepts.
  const common = {
    name,
    unique: attributes.unique === true ? true : undefined,
    index: attributes.index === true && attributes.unique !== true ? true : undefined,
  }
  switch (fieldKind(field)) {
    case 'id':
      return {
        ...common,
        type: 'relationship',
        relationTo: slugOf(String(attributes.references?.model)),
      }
    case 'number':
      return { ...common, type: 'number' }
    case 'boolean':
      return { ...common, type: 'checkbox' }
    case 'date':
      return { ...common, type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' } } }
    case 'structured':
      return { ...common, type: 'json' }
    default:
      // Enumerations too: Better Auth validates the values.
      return { ...common, type: 'text' }
  }
}

/** Adds the model's fields the collection does not have yet; makes its auth Better Auth's. */
function extendCollection(
  collection: CollectionConfig,
  model: StoredModel,
  kind: 'serial' | 'text',
  slugOf: (model: string) => string,
): CollectionConfig {
  const present = new Set(fieldNames(collection.fields))
  const hasTextId = collection.fields.some(
    (field) => 'name' in field && field.name === 'id' && field.type === 'text',
  )
  if (kind === 'text' && !hasTextId) {
    throw new Error(
      `payload-better-auth: Better Auth writes text ids but collection "${collection.slug}" uses ` +
        `Payload's numeric ids. Set \`advanced.database.generateId: 'serial'\` in the Better Auth ` +
        `options, or give the collection a text id field ({ name: 'id', type: 'text' }).`,
    )
  }
  if (kind === 'serial' && hasTextId) {
    throw new Error(
      `payload-better-auth: \`generateId: 'serial'\` needs Payload's numeric ids, but collection ` +
        `"${collection.slug}" has a text id field. Remove it, or drop \`generateId: 'serial'\`.`,
    )
  }
  const auth = collection.auth
  let nextAuth = auth
  if (auth) {
    const authObject = auth === true ? {} : auth
    // Signing in is Better Auth's job: Payload's password login would need a password on every
    // user Better Auth creates. Payload's email field stays (Better Auth writes to it).
    if (!authObject.disableLocalStrategy) {
      nextAuth = {
        ...authObject,
        disableLocalStrategy: { enableFields: true, optionalPassword: true },
      }
    }
    const keepsEmail =
      !authObject.disableLocalStrategy ||
      (typeof authObject.disableLocalStrategy === 'object' &&
        authObject.disableLocalStrategy.enableFields)
    if (keepsEmail) present.add('email')
  }
  if (collection.timestamps !== false) {
    present.add('createdAt')
    present.add('updatedAt')
  }
  const added = [...model.fields.values()]
    .filter((field) => !present.has(field.name))
    .map((field) => payloadField(field, slugOf))
  return { ...collection, auth: nextAuth, fields: [...collection.fields, ...added] }
}

function fieldNames(fields: readonly Field[]): string[] {
  return fields.flatMap((field) => {
    if ('name' in field) return [field.name]
    if ('fields' in field) return fieldNames(field.fields)
    if (field.type === 'tabs') {
      return field.tabs.flatMap((tab) => ('name' in tab ? [tab.name] : fieldNames(tab.fields)))
    }
    return []
  })
}
