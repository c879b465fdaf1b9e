/**
 * A field value in a form two reads of the same document agree on: relationships arrive as ids,
 * populated documents or `{ relationTo, value }`, so they compare by id; empty values are ''.
 * `hasMany` values compare as a set when `anyOrder` (the sync's diff), in order otherwise (a change
 * of order is still a change for the guard).
 */
export function comparableValue(value: unknown, { anyOrder = false } = {}): string {
  if (value === undefined || value === null || value === '') return ''
  if (Array.isArray(value)) {
    const ids = value.map((item) => comparableValue(item))
    return (anyOrder ? ids.sort() : ids).join(',')
  }
  if (typeof value === 'object') {
    const record = value as { id?: unknown; value?: unknown }
    return comparableValue(record.id ?? record.value)
  }
  return String(value)
}
