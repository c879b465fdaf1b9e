import type { CleanedWhere } from 'better-auth/adapters'
import type { Where } from 'payload'
import { type FieldKind, fieldKind, type IdKind, type StoredModel } from './schemaFields.ts'

/**
 * Better Auth's `where` as a Payload query plus an exact test.
 *
 * Payload's `contains`/`like` are case-insensitive and it has no `starts_with`/`ends_with`, so each
 * clause becomes a Payload condition that matches *at least* the rows Better Auth means (or none
 * when no condition can promise that); `matches` then decides exactly, with SQL's semantics (a
 * comparison with NULL is false, `eq null` is IS NULL). When every clause translated exactly,
 * `exact` is true and paging, sorting and counting can be left to the database.
 *
 * `matchesNothing` is true when no row can match (a value the field cannot hold, `in: []`): the
 * caller must not query at all, as `where` then says nothing (an empty `where` reads every row).
 */
export type TranslatedWhere =
  | {
      matchesNothing: false
      where: Where
      exact: boolean
      matches(doc: Record<string, unknown>): boolean
    }
  | { matchesNothing: true }

const NOTHING: TranslatedWhere = { matchesNothing: true }

type Scalar = string | number | boolean | null

export function translateWhere(
  clauses: readonly CleanedWhere[] | undefined,
  model: StoredModel,
  ids: IdKind,
): TranslatedWhere {
  if (!clauses?.length)
    return { matchesNothing: false, where: {}, exact: true, matches: () => true }
  const kindOf = (field: string): FieldKind => {
    if (field === 'id') return 'id'
    const stored = model.fields.get(field)
    if (!stored) {
      throw new Error(
        `payload-better-auth: "${model.slug}" has no field "${field}". Regenerate the collections ` +
          `from the same Better Auth options the adapter runs with.`,
      )
    }
    return fieldKind(stored)
  }

  const ands: Where[] = []
  const ors: Where[] = []
  let orsComplete = true
  let exact = true
  const andTests: Array<(doc: Record<string, unknown>) => boolean> = []
  const orTests: Array<(doc: Record<string, unknown>) => boolean> = []
  let hasOr = false

  for (const clause of clauses) {
    const kind = kindOf(clause.field)
    const normalize = normalizer(kind, ids)
    if (clause.connector === 'OR') hasOr = true
    if (matchesNoRow(clause, kind, ids)) {
      // Under AND the whole query matches nothing; under OR only this branch goes.
      if (clause.connector === 'OR') continue
      return NOTHING
    }
    const { condition, conditionIsExact } = payloadCondition(clause, kind, normalize, ids)
    const test = clauseTest(clause, kind, normalize)
    if (!conditionIsExact) exact = false
    if (clause.connector === 'OR') {
      orTests.push(test)
      if (condition) ors.push(condition)
      else orsComplete = false
    } else {
      andTests.push(test)
      if (condition) ands.push(condition)
    }
  }

  // Every OR branch was one no row can match.
  if (hasOr && orTests.length === 0) return NOTHING
  const parts = [...ands]
  // An OR clause with no condition could match any row: then the OR group cannot narrow the query.
  if (ors.length && orsComplete) parts.push({ or: ors })
  return {
    matchesNothing: false,
    where: parts.length ? { and: parts } : {},
    exact,
    matches: (doc) =>
      andTests.every((test) => test(doc)) &&
      (orTests.length === 0 || orTests.some((test) => test(doc))),
  }
}

/** A value as compared: ids as their string (or number for serial ids), dates as epoch ms. */
function normalizer(kind: FieldKind, ids: IdKind) {
  return (value: unknown): Scalar => {
    if (value === null || value === undefined) return null
    switch (kind) {
      case 'id':
        if (typeof value === 'object' && 'id' in value) return normalizeId(value.id, ids)
        return normalizeId(value, ids)
      case 'date': {
        const time = new Date(
          value instanceof Date || typeof value === 'number' ? value : String(value),
        ).getTime()
        return Number.isNaN(time) ? null : time
      }
      case 'number':
        return Number(value)
      case 'boolean':
        return value === true || value === 1 || value === 'true'
      case 'structured':
        return JSON.stringify(value)
      default:
        return String(value)
    }
  }
}

function normalizeId(value: unknown, ids: IdKind): Scalar {
  if (ids === 'serial') return serialId(value) ?? String(value)
  return String(value)
}

/** A serial id as its number; undefined for anything no serial id can be ('abc', '', '1.5'). */
function serialId(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value)
  return undefined
}

/** Whether the field can hold `value` at all; a clause that needs it to matches no row. */
function storable(value: unknown, kind: FieldKind, ids: IdKind): boolean {
  switch (kind) {
    case 'id': {
      const id = typeof value === 'object' && value !== null && 'id' in value ? value.id : value
      if (ids === 'serial') return serialId(id) !== undefined
      return typeof id === 'string' || typeof id === 'number'
    }
    case 'number':
      if (typeof value === 'number') return Number.isFinite(value)
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
    case 'date': {
      if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') {
        return false
      }
      return !Number.isNaN(new Date(value).getTime())
    }
    case 'boolean':
      return [true, false, 1, 0, 'true', 'false', '1', '0'].includes(value as never)
    default:
      return true
  }
}

/**
 * True when the clause cannot match any row: equality with, membership in, or an order bound from
 * values the field cannot hold (`'abc'` for a serial id or a number, `in: []`). Such a clause is
 * answered without a query: Payload would turn it into no condition at all, which reads every row.
 */
function matchesNoRow(clause: CleanedWhere, kind: FieldKind, ids: IdKind): boolean {
  const { operator, value } = clause
  switch (operator) {
    case 'eq':
      return value !== null && !storable(value, kind, ids)
    case 'in':
      return !Array.isArray(value) || !value.some((item) => storable(item, kind, ids))
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return value === null || (kind !== 'string' && !storable(value, kind, ids))
    default:
      return false
  }
}

const lower = (value: Scalar) => (typeof value === 'string' ? value.toLowerCase() : value)

function clauseTest(
  clause: CleanedWhere,
  kind: FieldKind,
  normalize: (value: unknown) => Scalar,
): (doc: Record<string, unknown>) => boolean {
  const { field, operator, value } = clause
  const insensitive =
    clause.mode === 'insensitive' &&
    (typeof value === 'string' ||
      (Array.isArray(value) && value.every((item) => typeof item === 'string')))
  const fold = insensitive ? lower : (v: Scalar) => v
  const wanted = Array.isArray(value) ? null : fold(normalize(value))
  const list = Array.isArray(value) ? value.map((item) => fold(normalize(item))) : []
  const text = typeof value === 'string' ? (insensitive ? value.toLowerCase() : value) : ''

  return (doc) => {
    const actual = fold(normalize(doc[field]))
    switch (operator) {
      case 'eq':
        return value === null ? actual === null : actual !== null && actual === wanted
      case 'ne':
        return value === null ? actual !== null : actual !== null && actual !== wanted
      case 'in':
        return actual !== null && list.includes(actual)
      case 'not_in':
        return actual !== null && !list.includes(actual)
      case 'contains':
        return typeof actual === 'string' && actual.includes(text)
      case 'starts_with':
        return typeof actual === 'string' && actual.startsWith(text)
      case 'ends_with':
        return typeof actual === 'string' && actual.endsWith(text)
      case 'gt':
        return actual !== null && wanted !== null && actual > wanted
      case 'gte':
        return actual !== null && wanted !== null && actual >= wanted
      case 'lt':
        return actual !== null && wanted !== null && actual < wanted
      case 'lte':
        return actual !== null && wanted !== null && actual <= wanted
      default:
        throw new Error(
          `payload-better-auth: unknown where operator "${String(operator)}" on ${kind}`,
        )
    }
  }
}

// LIKE patterns: a value with a wildcard or escape character cannot be passed to Payload's
// `contains` without changing its meaning; SQLite's LIKE folds only ASCII case.
const likeSafe = (value: string, insensitive: boolean) =>
  !/[%_\\]/.test(value) && (!insensitive || /^[\x20-\x7e]*$/.test(value))

/** The Payload condition for one clause, or none when no condition matches a superset exactly. */
function payloadCondition(
  clause: CleanedWhere,
  kind: FieldKind,
  normalize: (value: unknown) => Scalar,
  ids: IdKind,
): { condition: Where | undefined; conditionIsExact: boolean } {
  const { field, operator, value } = clause
  const insensitive = clause.mode === 'insensitive'
  const none = { condition: undefined, conditionIsExact: false }
  const exactly = (condition: Where) => ({ condition, conditionIsExact: true })
  const superset = (condition: Where) => ({ condition, conditionIsExact: false })
  const stored = (item: unknown) => {
    const normalized = normalize(item)
    return kind === 'date' && typeof normalized === 'number'
      ? new Date(normalized).toISOString()
      : normalized
  }
  if (kind === 'structured') return none
  const textual = kind === 'string'
  // Values the field cannot hold match no row (and would make the database throw): `in` keeps the
  // others; a clause made only of such values never gets here (see `matchesNoRow`).
  const holdable = (item: unknown) => storable(item, kind, ids)

  switch (operator) {
    case 'eq':
      if (value === null) return exactly({ [field]: { exists: false } })
      if (textual && insensitive) {
        return typeof value === 'string' && likeSafe(value, true)
          ? superset({ [field]: { contains: value } })
          : none
      }
      return exactly({ [field]: { equals: stored(value) } })
    case 'ne':
      if (value === null) return exactly({ [field]: { exists: true } })
      return none
    case 'in':
      if (!Array.isArray(value) || (textual && insensitive)) return none
      return exactly({ [field]: { in: value.filter(holdable).map(stored) } })
    case 'not_in':
      return none
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return textual && typeof value === 'string' && likeSafe(value, insensitive)
        ? superset({ [field]: { contains: value } })
        : none
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // Strings compare by the database's collation, which is not JavaScript's order.
      if (value === null || kind === 'boolean' || typeof normalize(value) !== 'number') return none
      const payloadOperator = {
        gt: 'greater_than',
        gte: 'greater_than_equal',
        lt: 'less_than',
        lte: 'less_than_equal',
      }[operator]
      return exactly({ [field]: { [payloadOperator]: stored(value) } })
    }
    default:
      return none
  }
}
