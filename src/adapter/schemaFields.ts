import type { BetterAuthOptions } from 'better-auth'
import { type BetterAuthDBSchema, type DBFieldAttribute, getAuthTables } from 'better-auth/db'

/** How a Better Auth field is stored in its Payload collection. */
export interface StoredField {
  /** The Payload field name: Better Auth's `fieldName` (so renamed fields are honoured). */
  name: string
  attributes: DBFieldAttribute
  /** A reference to another model's `id` (stored as a Payload relationship). */
  isReference: boolean
}

/** One Better Auth model as a Payload collection. */
export interface StoredModel {
  /** Better Auth's model key (`user`, `session`, `twoFactor`...). */
  key: string
  /** The Payload collection slug: Better Auth's `modelName`. */
  slug: string
  /** Keyed by Payload field name; `id` is not listed (Payload owns it). */
  fields: Map<string, StoredField>
  /** Better Auth's field key to the Payload field name (they differ when a field is renamed). */
  names: Map<string, string>
}

/** How a field's values compare: ids, scalars, or JSON (objects and arrays). */
export type FieldKind = 'id' | 'string' | 'number' | 'boolean' | 'date' | 'structured'

export function fieldKind(field: StoredField): FieldKind {
  if (field.isReference) return 'id'
  const type = field.attributes.type
  if (type === 'number' || type === 'boolean' || type === 'date') return type
  if (type === 'json' || type === 'string[]' || type === 'number[]') return 'structured'
  // `string` and enumerations (an array of literals).
  return 'string'
}

export type IdKind = 'serial' | 'text'

/** Serial ids are Payload's own numbers; every other strategy has Better Auth write a text id. */
export function idKind(options: BetterAuthOptions): IdKind {
  return options.advanced?.database?.generateId === 'serial' ? 'serial' : 'text'
}

/** Better Auth's tables for these options (core and every enabled plugin), keyed by model. */
export function storedModels(options: BetterAuthOptions): Map<string, StoredModel> {
  return modelsFromSchema(getAuthTables(options))
}

export function modelsFromSchema(schema: BetterAuthDBSchema): Map<string, StoredModel> {
  const models = new Map<string, StoredModel>()
  for (const [key, table] of Object.entries(schema)) {
    const fields = new Map<string, StoredField>()
    const names = new Map<string, string>([['id', 'id']])
    for (const [fieldKey, attributes] of Object.entries(table.fields)) {
      const name = attributes.fieldName ?? fieldKey
      names.set(fieldKey, name)
      if (name === 'id') continue
      fields.set(name, { name, attributes, isReference: attributes.references?.field === 'id' })
    }
    models.set(key, { key, slug: table.modelName, fields, names })
  }
  return models
}
