import { createRemoteJWKSet, errors, jwtVerify } from 'jose'
import { type CredentialKind, REFUSED } from './types.ts'

export interface JwtKindOptions {
  /** Better Auth's base path as this server reaches it; the key set is at `jwksPath` under it. */
  betterAuthURL: string
}

// Three base64url parts: a JWS in compact form. A session token from the bearer plugin is
// `token.signature` (one dot), so the two never claim each other's header.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** Whether a bearer value has a JWT's shape (the jwt kind's, never a key's or a session token's). */
export const looksLikeJwt = (value: string): boolean => JWT_SHAPE.test(value)

// What jose throws for a token that does not hold. Anything else (the key set did not load:
// network, timeout, non-200, not a key set) is an outage, not a verdict on the token.
const TOKEN_ERRORS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
]

function bearerJwt(headers: Headers): string | null {
  const authorization = headers.get('authorization')
  if (authorization?.slice(0, 7).toLowerCase() !== 'bearer ') return null
  const value = authorization.slice(7).trim()
  return looksLikeJwt(value) ? value : null
}

/**
 * A JWT from Better Auth's `jwt` plugin (`GET /token`, the `set-auth-jwt` header) in
 * `Authorization: Bearer`, checked as Better Auth's own `verifyJWT` does: the signature against
 * its published key set (JWKS), `iss`, `aud` and `exp`, and a `sub` (the user id). jose caches
 * the key set and fetches it again for a key id it does not know (a rotated key).
 *
 * A JWT is not a session: its claims (a `role`, say) are a snapshot, so none but `sub` is
 * believed; the dispatcher loads the user row, whose ban and role decide.
 */
export function jwtKind({ betterAuthURL }: JwtKindOptions): CredentialKind {
  // One key set per URL: the JWKS path comes from the published config and may change.
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()
  const keySetAt = (url: string) => {
    let keySet = keySets.get(url)
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(url))
      keySets.set(url, keySet)
    }
    return keySet
  }
  return {
    name: 'jwt',
    async verify(request) {
      const token = bearerJwt(request.headers)
      if (!token) return null
      // Without the jwt plugin (or its claims) Better Auth issues no JWT: not ours to judge.
      const claims = (await request.config())?.jwt
      if (!claims) return null
      const jwksURL = `${betterAuthURL}${claims.jwksPath}`
      try {
        const { payload } = await jwtVerify(token, keySetAt(jwksURL), {
          issuer: claims.issuer,
          audience: claims.audience,
        })
        if (typeof payload.sub !== 'string' || !payload.sub) return REFUSED
        return { userId: payload.sub, via: 'jwt', role: null }
      } catch (error) {
        if (TOKEN_ERRORS.some((kind) => error instanceof kind)) return REFUSED
        throw new Error(
          `Better Auth's key set at ${jwksURL} could not be loaded (check that Better Auth is reachable there and has the jwt plugin): ${String(error)}`,
          { cause: error },
        )
      }
    },
  }
}
