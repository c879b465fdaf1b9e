import type { BetterAuthOptions } from 'better-auth'
import {
  APIError,
  type AuthStrategy,
  type CollectionBeforeChangeHook,
  type CollectionBeforeOperationHook,
  type CollectionConfig,
  type Config,
  type Field,
  type Plugin,
  type RequestContext,
} from 'payload'
import { ADMIN_CONSOLE_PLUGIN_ID } from '../better-auth/adminConsolePlugin.ts'
import {
  type AdminConsoleOptions,
  withAdminConsole,
  withConsoleFields,
} from '../payload/adminConfig.ts'
import { credentialsStrategy } from '../payload/credentials/index.ts'
import { withBetterAuthMe } from '../payload/meHook.ts'
import { adminRoleAccess, DEFAULT_ADMIN_ROLES, nobody, selfOnly } from '../payload/usersAccess.ts'
import { comparableValue } from '../shared/fieldValue.ts'
import { publishedConfig } from '../shared/publishedConfig.ts'
import { BETTER_AUTH_DEV_SECRET, requireSecret } from '../shared/secrets.ts'
import type { SessionCookieOptions } from '../shared/sessionToken.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import { ADAPTER_CONTEXT_KEY } from './payloadAdapter.ts'
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
   * Better Auth roles (the admin plugin's `role`, comma lists included) that may open Payload's
   * admin panel, when the users collection does not set `access.admin` itself. Default `['admin']`.
   */
  adminRoles?: string[]
  /**
   * Authenticate Payload requests from Better Auth's session cookie, read from the storage Better
   * Auth keeps its sessions in (its `secondaryStorage`): no HTTP call, no session query. Needs the
   * user model on an auth collection (`user: { modelName: 'users' }`).
   */
  session?: SessionCookieOptions & {
    storage: SecondaryStorage
    /** Verifies session cookies. Default `process.env.BETTER_AUTH_SECRET`. */
    betterAuthSecret?: string
    /**
     * Where this server reaches Better Auth's base path (`http://127.0.0.1:3000/api/auth`), so that
     * Payload requests slide sessions forward as Better Auth's own do. Default: Better Auth's
     * `baseURL` and `basePath`, when `baseURL` is a string.
     */
    betterAuthURL?: string
  }
  /**
   * The admin as Better Auth's console (login, forgot/reset password, account security, the
   * user-management panel, the impersonation banner, `/api/<users>/:id/2fa/*`). On when `session`
   * is set and Better Auth's plugins include `payloadAdminConsole()` (it serves what the views
   * ask); `false` turns it off. The URLs default to Better Auth's `baseURL` (browsers) and
   * `session.betterAuthURL` (this server).
   */
  adminConsole?:
    | false
    | {
        /** Where browsers reach Better Auth, e.g. `https://example.com`. */
        externalBaseURL?: string
        /** Where this server reaches Better Auth, e.g. `http://127.0.0.1:3000`. */
        internalBaseURL?: string
        /** Replace Payload's login, forgot and reset views. Default true. */
        loginView?: boolean
        /** The user-management panel on other users' documents. Default true. */
        userManagement?: boolean
      }
}

const closed = () => false

/**
 * Better Auth's tables as Payload collections. A model whose `modelName` is an existing collection
 * (the app's users, say) gets Better Auth's fields added to it; every other model becomes a new
 * collection, closed to every request (only `payloadAdapter`, with `overrideAccess`, reads it).
 * Better Auth's user model, wherever it lives, is written only by `payloadAdapter` (see
 * `guardUserModel`), and on the app's users collection the rules the app did not write default to
 * oneself only.
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

  const strategy =
    options.session &&
    sessionStrategy(options.session, models.get('user')?.slug, options.betterAuthOptions)
  const adminRoles = options.adminRoles ?? [...DEFAULT_ADMIN_ROLES]
  const result = existing.map((collection) => {
    const model = [...models.values()].find((m) => m.slug === collection.slug)
    if (!model) return collection
    const extended = extendCollection(collection, model, kind, slugOf)
    if (model.key !== 'user') return extended
    const guarded = withSafeDefaults(guardUserModel(extended, model), adminRoles)
    if (!strategy) return guarded
    const auth = typeof guarded.auth === 'object' ? guarded.auth : {}
    return {
      ...guarded,
      auth: { ...auth, strategies: [...(auth.strategies ?? []), strategy] },
      hooks: { ...guarded.hooks, me: withBetterAuthMe(guarded.hooks) },
    }
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
    const collection: CollectionConfig = {
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
    }
    result.push(model.key === 'user' ? guardUserModel(collection, model) : collection)
  }
  return result
}

/**
 * A Payload plugin adding Better Auth's collections to the config (see `buildBetterAuthCollections`),
 * and, with `payloadAdminConsole()` in Better Auth's plugins, the admin as Better Auth's console.
 */
export function betterAuthCollections(options: BetterAuthCollectionsOptions): Plugin {
  return (config: Config): Config => {
    const collections = buildBetterAuthCollections(options, config.collections ?? [])
    const adminConsole = adminConsoleOptions(options)
    if (!adminConsole) return { ...config, collections }
    return {
      ...config,
      ...withAdminConsole(config, adminConsole.usersSlug, adminConsole),
      collections: collections.map((collection) =>
        collection.slug === adminConsole.usersSlug
          ? withConsoleFields(collection, adminConsole)
          : collection,
      ),
    }
  }
}

/** The console's settings in this topology, or undefined when it is off. */
function adminConsoleOptions(
  options: BetterAuthCollectionsOptions,
): AdminConsoleOptions | undefined {
  const { adminConsole, session, betterAuthOptions } = options
  if (adminConsole === false || !session) return undefined
  const served = betterAuthOptions.plugins?.some((plugin) => plugin.id === ADMIN_CONSOLE_PLUGIN_ID)
  if (!served) {
    if (adminConsole === undefined) return undefined
    throw new Error(
      `payload-better-auth: \`adminConsole\` needs Better Auth to serve the admin's views: add ` +
        `payloadAdminConsole() (from 'payload-better-auth/adapter') to betterAuth({ plugins }) and ` +
        `to the betterAuthOptions given to betterAuthCollections, or set adminConsole: false.`,
    )
  }
  const basePath = betterAuthOptions.basePath ?? '/api/auth'
  const { baseURL } = betterAuthOptions
  const configured = typeof baseURL === 'string' && baseURL ? baseURL.replace(/\/$/, '') : undefined
  const reached = session.betterAuthURL?.endsWith(basePath)
    ? session.betterAuthURL.slice(0, -basePath.length)
    : undefined
  const externalBaseURL = adminConsole?.externalBaseURL ?? configured ?? reached
  const internalBaseURL = adminConsole?.internalBaseURL ?? reached ?? configured
  if (!externalBaseURL || !internalBaseURL) {
    throw new Error(
      `payload-better-auth: the admin console needs Better Auth's URL: set \`baseURL\` in the ` +
        `Better Auth options (a string), or adminConsole.externalBaseURL and internalBaseURL.`,
    )
  }
  return {
    externalBaseURL,
    internalBaseURL,
    basePath,
    usersSlug: storedModels(betterAuthOptions).get('user')?.slug ?? 'user',
    loginView: adminConsole?.loginView !== false,
    userManagement: adminConsole?.userManagement !== false,
    userIdField: 'id',
  }
}

function sessionStrategy(
  session: NonNullable<BetterAuthCollectionsOptions['session']>,
  usersSlug: string | undefined,
  betterAuthOptions: BetterAuthOptions,
): AuthStrategy {
  const betterAuthSecret = requireSecret(
    'BETTER_AUTH_SECRET',
    session.betterAuthSecret ?? (process.env.BETTER_AUTH_SECRET || process.env.AUTH_SECRET),
    { owner: 'betterAuthCollections', devFallback: BETTER_AUTH_DEV_SECRET },
  )
  const { advanced, baseURL, basePath } = betterAuthOptions
  return credentialsStrategy({
    storage: session.storage,
    usersSlug: usersSlug ?? 'user',
    betterAuthSecret,
    cookies: {
      cookiePrefix: session.cookiePrefix ?? advanced?.cookiePrefix,
      sessionCookieName: session.sessionCookieName ?? advanced?.cookies?.session_token?.name,
      useSecureCookies: session.useSecureCookies ?? betterAuthSecureCookies(betterAuthOptions),
    },
    betterAuthURL:
      session.betterAuthURL ??
      (typeof baseURL === 'string' && baseURL
        ? `${baseURL.replace(/\/$/, '')}${basePath ?? '/api/auth'}`
        : undefined),
    config: publishedConfig(betterAuthOptions),
    userIdField: 'id',
    // No `syncSecret`, so API keys authenticate nobody here: Payload asks Better Auth about a key
    // through the synced topology's plugin (`/payload/verify-api-key`, signed with
    // BA_TO_PAYLOAD_SECRET), which this topology does not run.
  })
}

/**
 * Whether Better Auth names its cookies `__Secure-`, decided as its `createCookieGetter` does:
 * `advanced.useSecureCookies`, else the base URL's protocol, else whether NODE_ENV is production.
 */
function betterAuthSecureCookies({ advanced, baseURL }: BetterAuthOptions): boolean {
  if (advanced?.useSecureCookies !== undefined) return advanced.useSecureCookies
  if (typeof baseURL === 'object' && baseURL?.protocol && baseURL.protocol !== 'auto') {
    return baseURL.protocol === 'https'
  }
  const url = typeof baseURL === 'string' && baseURL ? baseURL : process.env.BETTER_AUTH_URL
  return url ? url.startsWith('https://') : process.env.NODE_ENV === 'production'
}

// The trust boundary of the shared topology. Sign-up is public, so a Payload user is anyone; the
// user model's fields (role, ban, email, two-factor...) decide what Better Auth lets them do. They
// change only through Better Auth, whose writes arrive through `payloadAdapter` with
// `context.payloadBetterAuthAdapter` (a request cannot set `req.context`). The refusals are hooks,
// not access rules: the Local API skips access rules unless told `overrideAccess: false`.

const byAdapter = (context: RequestContext | undefined) => context?.[ADAPTER_CONTEXT_KEY] === true

/** A 403 with its reason for the caller; logged at `info`, as Payload logs its own refusals. */
class Refused extends APIError {
  constructor(message: string) {
    super(message, 403, null, true)
    this.name = 'Forbidden'
  }
}

const refuseUsersWrite = (slug: string) =>
  new Refused(
    `${slug}: refused, users belong to Better Auth. Create users through Better Auth (sign-up or ` +
      `auth.api.createUser) and delete them there (the admin plugin's auth.api.removeUser, or ` +
      `auth.api.deleteUser for oneself), not through Payload.`,
  )

// Where each of the user model's fields is changed in Better Auth (by Better Auth's field key).
const whereToChange: Record<string, string> = {
  email: "auth.api.changeEmail (or the admin plugin's auth.api.adminUpdateUser)",
  emailVerified: 'email verification (auth.api.verifyEmail) or auth.api.adminUpdateUser',
  name: 'auth.api.updateUser (or auth.api.adminUpdateUser)',
  image: 'auth.api.updateUser (or auth.api.adminUpdateUser)',
  role: "the admin plugin's auth.api.setRole (or auth.api.adminUpdateUser)",
  banned: "the admin plugin's auth.api.banUser / auth.api.unbanUser",
  banReason: "the admin plugin's auth.api.banUser / auth.api.unbanUser",
  banExpires: "the admin plugin's auth.api.banUser / auth.api.unbanUser",
  twoFactorEnabled: 'auth.api.enableTwoFactor / auth.api.disableTwoFactor',
}
const elsewhere = "auth.api.updateUser or the admin plugin's auth.api.adminUpdateUser"

/**
 * A field's value as two writes of the same value agree on: the admin form sends every field back
 * (dates as ISO strings, an unticked checkbox as `false` where the row has `null`), which is no
 * change. Emails compare as Payload stores them (lowercased, trimmed).
 */
function comparable(field: StoredField, value: unknown): string {
  if (value === undefined || value === null || value === '') return ''
  switch (fieldKind(field)) {
    case 'boolean':
      return value === true || value === 'true' || value === 1 ? 'true' : ''
    case 'date': {
      const time = new Date(value instanceof Date ? value : String(value)).getTime()
      return Number.isNaN(time) ? String(value) : String(time)
    }
    case 'number':
      return String(Number(value))
    case 'structured':
      return JSON.stringify(value)
    case 'id':
      return comparableValue(value)
    default:
      return field.name === 'email' ? String(value).trim().toLowerCase() : String(value)
  }
}

/**
 * Makes Better Auth's user model writable only by `payloadAdapter`: every other create or delete is
 * refused (users are made and removed in Better Auth), and so is an update that changes one of the
 * model's fields, with a 403 naming each field and where Better Auth changes it. Other fields of
 * the app's users collection stay the app's. Payload's own `updatedAt` is left out: Payload sets it
 * on every save, whatever a request sends.
 */
function guardUserModel(collection: CollectionConfig, model: StoredModel): CollectionConfig {
  const keyOf = new Map([...model.names].map(([key, name]) => [name, key]))
  const owned = [...model.fields.values()].filter(
    (field) => !(field.name === 'updatedAt' && collection.timestamps !== false),
  )
  const refuseCreateDelete: CollectionBeforeOperationHook = ({ args, operation, req }) => {
    if ((operation === 'create' || operation === 'delete') && !byAdapter(req.context)) {
      throw refuseUsersWrite(collection.slug)
    }
    return args
  }
  const refuseOwnedChanges: CollectionBeforeChangeHook = ({ data, originalDoc, req }) => {
    if (byAdapter(req.context)) return data
    const before: Record<string, unknown> = originalDoc ?? {}
    const changed = owned.filter(
      (field) =>
        field.name in data &&
        comparable(field, data[field.name]) !== comparable(field, before[field.name]),
    )
    if (changed.length === 0) return data
    const how = changed
      .map((field) => {
        const key = keyOf.get(field.name) ?? field.name
        return `${field.name} with ${whereToChange[key] ?? elsewhere}`
      })
      .join('; ')
    throw new Refused(
      `${collection.slug}: refused, ${changed.map((field) => `"${field.name}"`).join(', ')} ` +
        `${changed.length === 1 ? 'belongs' : 'belong'} to Better Auth and cannot be changed ` +
        `through Payload. Change ${changed.length === 1 ? 'it' : 'them'} through Better Auth's ` +
        `API: ${how}.`,
    )
  }
  return {
    ...collection,
    hooks: {
      ...collection.hooks,
      // First, before the app's hooks do any work for a write that is refused anyway.
      beforeOperation: [refuseCreateDelete, ...(collection.hooks?.beforeOperation ?? [])],
      // Last, so a value an app hook put there is checked too.
      beforeChange: [...(collection.hooks?.beforeChange ?? []), refuseOwnedChanges],
    },
  }
}

/**
 * The access rules the app did not write on its users collection: read and update oneself, create
 * and delete nobody (Better Auth does both, through the adapter), the admin panel only for Better
 * Auth admin roles. Payload's own default would be "any signed-in user": anyone who signs up.
 */
function withSafeDefaults(collection: CollectionConfig, adminRoles: string[]): CollectionConfig {
  const access = collection.access ?? {}
  return {
    ...collection,
    access: {
      ...access,
      read: access.read ?? selfOnly,
      update: access.update ?? selfOnly,
      create: access.create ?? nobody,
      delete: access.delete ?? nobody,
      ...(collection.auth ? { admin: access.admin ?? adminRoleAccess(adminRoles) } : {}),
    },
  }
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
