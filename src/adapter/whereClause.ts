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
 */
export interface TranslatedWhere {
  where: Where
  exact: boolean
  matches(doc: Record<string, unknown>): boolean
}

type Scalar = string | number | boolean | null

export function translateWhere(
  clauses: readonly CleanedWhere[] | undefined,
  model: StoredModel,
  ids: IdKind,
): TranslatedWhere {
  if (!clauses?.length) return { where: {}, exact: true, matches: () => true }
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

  for (const clause of clauses) {
    const kind = kindOf(clause.field)
    const normalize = normalizer(kind, ids)
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

  const parts = [...ands]
  // An OR clause with no condition could match any row: then the OR group cannot narrow the query.
  if (ors.length && orsComplete) parts.push({ or: ors })
  return {
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
        const time = value instanceof Date ? value.getTime() : new Date(String(value)).getTime()
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
  if (ids === 'serial') {
    const number = Number(value)
    return Number.isNaN(number) ? String(value) : number
  }
  return String(value)
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
  // A non-numeric value for a serial id matches no row, but would make the database throw.
  const unstorable = (item: unknown) =>
    kind === 'id' && ids === 'serial' && typeof normalize(item) !== 'number'

  switch (operator) {
    case 'eq':
      if (value === null) return exactly({ [field]: { exists: false } })
      if (textual && insensitive) {
        return typeof value === 'string' && likeSafe(value, true)
          ? superset({ [field]: { contains: value } })
          : none
      }
      if (unstorable(value)) return none
      return exactly({ [field]: { equals: stored(value) } })
    case 'ne':
      if (value === null) return exactly({ [field]: { exists: true } })
      return none
    case 'in':
      if (!Array.isArray(value) || value.length === 0 || (textual && insensitive)) return none
      if (value.some(unstorable)) return none
      return exactly({ [field]: { in: value.map(stored) } })
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
