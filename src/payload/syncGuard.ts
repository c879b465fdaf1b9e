import {
  APIError,
  type CollectionBeforeOperationHook,
  type FieldHook,
  type PayloadRequest,
} from 'payload'
import { comparableValue } from '../shared/fieldValue.ts'
import { NONCE_TTL_SECONDS, nonceKey } from '../shared/keys.ts'
import { pluginHook } from '../shared/pluginHooks.ts'
import {
  checkSyncSignature,
  SYNC_CONTEXT_KEY,
  type SyncOperation,
  type SyncVerdict,
} from '../shared/syncSignature.ts'
import type { SecondaryStorage } from '../storage/types.ts'

// Writes that only Better Auth's sync may make. A write is "verified" once the signature in
// `context.payloadBetterAuthSync` has matched the operation and its data, within the clock window,
// with a nonce never seen before; only then do the access rules and field hooks below let it pass.
// The Local API skips access rules by default, so the refusals live in hooks, which always run.

export interface SyncGuard {
  /** `beforeOperation` hook: verifies a signed write; `signedOnly` refuses unsigned creates/updates. */
  verifyWrites(options: { signedOnly: boolean }): CollectionBeforeOperationHook
  /** Access rule (collection or field): true only while this request runs a verified sync write. */
  syncAccess(collection: string): (args: { req: PayloadRequest }) => boolean
  /** `beforeValidate` field hook: refuses a change to the field unless the write was verified. */
  protectField(collection: string): FieldHook
}

type WriteOperation = SyncOperation['op']
const isWrite = (operation: string): operation is WriteOperation =>
  operation === 'create' || operation === 'update' || operation === 'delete'

export function createSyncGuard({
  syncSecret,
  storage,
}: {
  syncSecret: string
  storage: SecondaryStorage
}): SyncGuard {
  const verified = new WeakMap<PayloadRequest, Set<string>>()
  const isVerified = (req: PayloadRequest, collection: string) =>
    verified.get(req)?.has(collection) === true

  async function verify(signature: unknown, operation: SyncOperation): Promise<SyncVerdict> {
    const verdict = checkSyncSignature(syncSecret, operation, signature)
    if (!verdict.valid) return verdict
    // increment is an atomic set-if-absent: of two requests with one nonce, one gets 1.
    const uses = await storage.increment(nonceKey(verdict.nonce), NONCE_TTL_SECONDS)
    return uses === 1 ? verdict : { valid: false, reason: 'signature already used (replay)' }
  }

  const refuse = (collection: string, reason: string) =>
    new APIError(
      `${collection}: refused, ${reason}. Only Better Auth's signed sync (BA_TO_PAYLOAD_SECRET) may write this.`,
      403,
      null,
      true,
    )

  return {
    verifyWrites: ({ signedOnly }) =>
      pluginHook<CollectionBeforeOperationHook>(async ({ args, collection, operation, req }) => {
        if (!isWrite(operation)) return args
        const signature = req.context?.[SYNC_CONTEXT_KEY]
        if (signature === undefined) {
          if (signedOnly && operation !== 'delete') throw refuse(collection.slug, 'unsigned write')
          return args
        }
        const id = (args as { id?: string | number }).id
        if (operation !== 'create' && id === undefined) {
          throw refuse(collection.slug, 'a signed write must target one document by id')
        }
        const data = operation === 'delete' ? null : (args as { data?: unknown }).data
        const verdict = await verify(signature, {
          op: operation,
          collection: collection.slug,
          id: id ?? null,
          data,
        })
        if (!verdict.valid) throw refuse(collection.slug, verdict.reason)
        // Spent: a nested write on this request must not present it again.
        delete req.context[SYNC_CONTEXT_KEY]
        const set = verified.get(req) ?? new Set<string>()
        set.add(collection.slug)
        verified.set(req, set)
        return args
      }),

    syncAccess:
      (collection) =>
      ({ req }) =>
        isVerified(req, collection),

    protectField: (collection) =>
      pluginHook<FieldHook>(({ value, previousValue, req, field }) => {
        if (
          comparableValue(value) === comparableValue(previousValue) ||
          isVerified(req, collection)
        ) {
          return value
        }
        throw refuse(`${collection}.${'name' in field ? field.name : 'field'}`, 'unsigned change')
      }),
  }
}
