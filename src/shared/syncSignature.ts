import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import canonicalize from 'canonicalize'

// The one place that signs and checks sync writes from Better Auth into Payload:
// HMAC-SHA256(BA_TO_PAYLOAD_SECRET, `${ts}.${nonce}.${canonicalJSON(operation)}`), where the
// operation includes its data, so a signature cannot be moved to other data or another document.

/** The key of `req.context` (Local API `context`) that carries a sync write's signature. */
export const SYNC_CONTEXT_KEY = 'payloadBetterAuthSync'

/** How far a signature's timestamp may be from this machine's clock. */
export const MAX_CLOCK_SKEW_MS = 300_000

export interface SyncOperation {
  op: 'create' | 'update' | 'delete'
  collection: string
  /** The Payload document id; null on create. */
  id: string | number | null
  data: unknown
}

export interface SyncSignature {
  ts: number
  nonce: string
  signature: string
}

function mac(secret: string, ts: number, nonce: string, operation: SyncOperation): Buffer {
  const canonical = canonicalize({
    op: operation.op,
    collection: operation.collection,
    // REST ids arrive as strings, Local API ids as numbers: one form for both.
    id: operation.id === null ? null : String(operation.id),
    data: operation.data ?? null,
  })
  return createHmac('sha256', secret).update(`${ts}.${nonce}.${canonical}`).digest()
}

export function signSyncOperation(
  secret: string,
  operation: SyncOperation,
  now = Date.now(),
): SyncSignature {
  const nonce = randomBytes(16).toString('base64url')
  return { ts: now, nonce, signature: mac(secret, now, nonce, operation).toString('base64url') }
}

export type SyncVerdict = { valid: true; nonce: string } | { valid: false; reason: string }

const isSignature = (value: unknown): value is SyncSignature => {
  const candidate = value as Partial<SyncSignature> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.ts === 'number' &&
    typeof candidate.nonce === 'string' &&
    candidate.nonce.length >= 16 &&
    candidate.nonce.length <= 64 &&
    typeof candidate.signature === 'string'
  )
}

/**
 * Checks the HMAC and the clock window. Single use of the nonce is the caller's to enforce (it
 * needs the shared storage): see `claimNonce`.
 */
export function checkSyncSignature(
  secret: string,
  operation: SyncOperation,
  signature: unknown,
  now = Date.now(),
): SyncVerdict {
  if (signature === undefined || signature === null) return { valid: false, reason: 'unsigned' }
  if (!isSignature(signature)) return { valid: false, reason: 'malformed signature' }
  if (Math.abs(now - signature.ts) > MAX_CLOCK_SKEW_MS) {
    return { valid: false, reason: 'signature timestamp outside the ±300 s window' }
  }
  const expected = mac(secret, signature.ts, signature.nonce, operation)
  const given = Buffer.from(signature.signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'signature does not match this operation' }
  }
  return { valid: true, nonce: signature.nonce }
}
