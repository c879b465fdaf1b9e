import { createHmac, timingSafeEqual } from 'node:crypto'
import { MAX_CLOCK_SKEW_MS } from './syncSignature.ts'

// The contract between the halves for API keys: Payload asks Better Auth (its api-key plugin, which
// owns the hashing, expiry, usage and rate limits) whether a key holds. Only the Payload server may
// ask, so the call is signed with the sync secret both plugins share (BA_TO_PAYLOAD_SECRET):
// HMAC-SHA256(secret, `${PURPOSE}.${ts}.${key}`), sent as `${ts}.${base64url(mac)}`. The purpose
// keeps such a signature from standing for anything else signed with that secret.

/** Under Better Auth's `basePath`. */
export const API_KEY_VERIFICATION_PATH = '/payload/verify-api-key'

/** The header carrying the signature. */
export const API_KEY_SIGNATURE_HEADER = 'x-payload-better-auth-signature'

/** The `code` of a 401 that means "this key does not hold" (anything else is an outage or a bug). */
export const API_KEY_REFUSED_CODE = 'PAYLOAD_API_KEY_REFUSED'

/** Longer than any key Better Auth generates (64 characters and a prefix of at most 32). */
export const MAX_API_KEY_LENGTH = 1024

const PURPOSE = 'payload-better-auth/verify-api-key'

export interface ApiKeyVerificationBody {
  key: string
}

/** What a key may do in Payload: collection or global slug → operations. Null: its owner's access. */
export type ApiKeyPermissions = Record<string, string[]>

export interface ApiKeyVerificationResult {
  /** The owner's Better Auth user id. */
  userId: string
  keyId: string
  permissions: ApiKeyPermissions | null
  /** The owner as Better Auth holds it now (admin plugin), so a ban reaches its keys at once. */
  role: string | null
  banned: boolean | null
  banExpires: string | null
}

function mac(secret: string, ts: number, key: string): Buffer {
  return createHmac('sha256', secret).update(`${PURPOSE}.${ts}.${key}`).digest()
}

/** The signature header's value for asking about `key`. */
export function signApiKeyVerification(secret: string, key: string, now = Date.now()): string {
  return `${now}.${mac(secret, now, key).toString('base64url')}`
}

/** Whether `header` signs a question about `key` with `secret`, within ±300 s of `now`. */
export function checkApiKeyVerification(
  secret: string,
  key: string,
  header: string | null | undefined,
  now = Date.now(),
): boolean {
  const match = /^(\d{1,16})\.([\w-]{1,100})$/.exec(header ?? '')
  if (!match) return false
  const ts = Number(match[1])
  if (Math.abs(now - ts) > MAX_CLOCK_SKEW_MS) return false
  const given = Buffer.from(match[2] as string, 'base64url')
  const expected = mac(secret, ts, key)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * Better Auth's stored `permissions` as Payload reads them: null stays null (the owner's access);
 * anything else becomes slug → strings, and a malformed entry allows nothing (never more).
 */
export function normalizeApiKeyPermissions(value: unknown): ApiKeyPermissions | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value).map(([slug, operations]) => [
      slug,
      Array.isArray(operations)
        ? operations.filter((op): op is string => typeof op === 'string')
        : [],
    ]),
  )
}
