import {
  API_KEY_REFUSED_CODE,
  API_KEY_SIGNATURE_HEADER,
  type ApiKeyVerificationBody,
  type ApiKeyVerificationResult,
  MAX_API_KEY_LENGTH,
  normalizeApiKeyPermissions,
  signApiKeyVerification,
} from '../../shared/apiKeyVerification.ts'
import { verifySignedToken } from '../../shared/sessionToken.ts'
import { looksLikeJwt } from './jwt.ts'
import { type CredentialKind, REFUSED } from './types.ts'

export interface ApiKeyKindOptions {
  /** Better Auth's `/payload/verify-api-key` as this server reaches it. */
  verifyURL: string
  /** The secret both plugins share (BA_TO_PAYLOAD_SECRET): signs each question. */
  syncSecret: string
  /** Tells a signed session token in `Authorization: Bearer` (the session kind's) from a key. */
  betterAuthSecret: string
  timeoutMs?: number
}

/**
 * A Better Auth API key, from the headers the api-key plugin reads (published by the Better Auth
 * plugin; `authorization` means `Authorization: Bearer <key>`). Better Auth verifies it, never
 * Payload: one signed call to its `/payload/verify-api-key` per request, so `enabled`, expiry,
 * `remaining` and the rate limit are Better Auth's own. A refused key is nobody; a Better Auth
 * that does not answer throws (the dispatcher fails closed and logs the outage once).
 */
export function apiKeyKind({
  verifyURL,
  syncSecret,
  betterAuthSecret,
  timeoutMs = 5_000,
}: ApiKeyKindOptions): CredentialKind {
  return {
    name: 'api-key',
    async verify(request) {
      const config = await request.config()
      if (!config?.apiKey) return null
      const key = readApiKey(request.headers, config.apiKey.headers, {
        betterAuthSecret,
        jwts: config.jwt !== null,
      })
      if (key === null) return null
      if (key.length > MAX_API_KEY_LENGTH) return REFUSED
      const body: ApiKeyVerificationBody = { key }
      const response = await fetch(verifyURL, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [API_KEY_SIGNATURE_HEADER]: signApiKeyVerification(syncSecret, key),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
      const answer = (await response.json().catch(() => null)) as
        | (Partial<ApiKeyVerificationResult> & { code?: string; message?: string })
        | null
      if (response.status === 401 && answer?.code === API_KEY_REFUSED_CODE) return REFUSED
      if (!response.ok || typeof answer?.userId !== 'string' || typeof answer.keyId !== 'string') {
        throw new Error(
          `Better Auth's ${verifyURL} answered ${response.status}${answer?.message ? `: ${answer.message}` : ''}`,
        )
      }
      return {
        userId: answer.userId,
        via: 'api-key',
        role: answer.role ?? null,
        banned: answer.banned ?? null,
        banExpires: answer.banExpires ?? null,
        apiKey: { id: answer.keyId, permissions: normalizeApiKeyPermissions(answer.permissions) },
      }
    },
  }
}

/** The key as the api-key plugin reads it: the first of its headers that carries a value. */
export function readApiKey(
  headers: Headers,
  names: readonly string[],
  { betterAuthSecret, jwts }: { betterAuthSecret: string; jwts: boolean },
): string | null {
  for (const name of names) {
    const value = headers.get(name)
    if (!value) continue
    if (name !== 'authorization') return value
    if (value.slice(0, 7).toLowerCase() !== 'bearer ') continue
    const token = value.slice(7).trim()
    if (!token || (jwts && looksLikeJwt(token)) || isSignedSessionToken(token, betterAuthSecret)) {
      continue
    }
    return token
  }
  return null
}

function isSignedSessionToken(value: string, secret: string): boolean {
  let decoded = value
  try {
    decoded = decodeURIComponent(value)
  } catch {}
  return verifySignedToken(decoded, secret) !== null
}
