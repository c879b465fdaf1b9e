import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { dataDir, internalURL, serverURL } from './env.ts'

// "Demo OAuth": a fake OAuth 2.0 provider served by the demo itself (app/(site)/fake-oauth/*), so
// the sign-in page and the admin can show a social button without a real provider or network.
// Anyone can sign in there as any email address: it exists for the demo and nothing else.
//
//   GET  /fake-oauth/authorize   a page "Sign in to Demo OAuth as <email>"; its button (POST to the
//                                same URL) redirects back to `redirect_uri` with `code` and `state`
//   POST /fake-oauth/token       code (single use, 60 s) → access token (1 h); checks the client's
//                                id and secret, the redirect URI and the PKCE verifier
//   GET  /fake-oauth/userinfo    Bearer token → { id, sub, email, name, email_verified: true }
//
// Codes and tokens live in a SQLite file in the data folder, so every process of the app sees them.

export const DEMO_OAUTH_PROVIDER_ID = 'demo-oauth'
export const DEMO_OAUTH_NAME = 'Demo OAuth'
/** Fixed, public, demo-only credentials: the provider they open signs anyone in as anyone. */
export const DEMO_OAUTH_CLIENT_ID = 'payload-better-auth-demo'
export const DEMO_OAUTH_CLIENT_SECRET = 'demo-only-client-secret-not-a-real-secret'

/** Where browsers go (authorize) and where Better Auth's server calls (token, userinfo). */
export const demoOAuthEndpoints = {
  authorizationUrl: `${serverURL}/fake-oauth/authorize`,
  tokenUrl: `${internalURL}/fake-oauth/token`,
  userInfoUrl: `${internalURL}/fake-oauth/userinfo`,
}

/** The one redirect URI registered for the client: Better Auth's callback for this provider. */
export const demoOAuthRedirectURI = `${serverURL}/api/auth/callback/${DEMO_OAUTH_PROVIDER_ID}`

const CODE_TTL_MS = 60_000
const TOKEN_TTL_S = 3600

function open(): DatabaseSync {
  const db = new DatabaseSync(path.join(dataDir, 'fake-oauth.db'))
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000')
  db.exec(`CREATE TABLE IF NOT EXISTS code (
    code TEXT PRIMARY KEY, email TEXT NOT NULL, redirectUri TEXT NOT NULL,
    codeChallenge TEXT, codeChallengeMethod TEXT, expiresAt INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS token (
    token TEXT PRIMARY KEY, email TEXT NOT NULL, expiresAt INTEGER NOT NULL
  )`)
  return db
}

const globalStore = globalThis as typeof globalThis & { __demoFakeOAuth?: DatabaseSync }
function db(): DatabaseSync {
  if (!globalStore.__demoFakeOAuth) globalStore.__demoFakeOAuth = open()
  return globalStore.__demoFakeOAuth
}

const random = () => randomBytes(32).toString('base64url')

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export const isEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)

/** What the authorize endpoint accepts; returns an error message or null. */
export function checkAuthorizeRequest(params: URLSearchParams): string | null {
  if (params.get('client_id') !== DEMO_OAUTH_CLIENT_ID) return 'unknown client_id'
  if (params.get('redirect_uri') !== demoOAuthRedirectURI) return 'redirect_uri is not registered'
  if ((params.get('response_type') ?? 'code') !== 'code') return 'only response_type=code'
  const method = params.get('code_challenge_method')
  if (params.get('code_challenge') && method && method !== 'S256' && method !== 'plain') {
    return 'unsupported code_challenge_method'
  }
  return null
}

export function issueCode(params: URLSearchParams, email: string): string {
  const code = random()
  const now = Date.now()
  db().prepare('DELETE FROM code WHERE expiresAt < ?').run(now)
  db()
    .prepare('INSERT INTO code VALUES (?, ?, ?, ?, ?, ?)')
    .run(
      code,
      email.toLowerCase(),
      params.get('redirect_uri') ?? '',
      params.get('code_challenge'),
      params.get('code_challenge') ? (params.get('code_challenge_method') ?? 'plain') : null,
      now + CODE_TTL_MS,
    )
  return code
}

export type TokenResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; error: string; description: string }

/** The token endpoint: client authentication (post or basic), then a single-use code. */
export function exchangeCode(form: URLSearchParams, authorization: string | null): TokenResult {
  let clientId = form.get('client_id') ?? ''
  let clientSecret = form.get('client_secret') ?? ''
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString()
    const colon = decoded.indexOf(':')
    clientId = decodeURIComponent(decoded.slice(0, colon))
    clientSecret = decodeURIComponent(decoded.slice(colon + 1))
  }
  if (clientId !== DEMO_OAUTH_CLIENT_ID || !sameText(clientSecret, DEMO_OAUTH_CLIENT_SECRET)) {
    return { ok: false, status: 401, error: 'invalid_client', description: 'wrong client' }
  }
  if (form.get('grant_type') !== 'authorization_code') {
    return { ok: false, status: 400, error: 'unsupported_grant_type', description: 'code only' }
  }
  const invalid = (description: string): TokenResult => ({
    ok: false,
    status: 400,
    error: 'invalid_grant',
    description,
  })
  // Single use: the row is gone whatever happens next.
  const row = db()
    .prepare('DELETE FROM code WHERE code = ? RETURNING *')
    .get(form.get('code') ?? '') as
    | {
        email: string
        redirectUri: string
        codeChallenge: string | null
        codeChallengeMethod: string | null
        expiresAt: number
      }
    | undefined
  if (!row) return invalid('unknown or used code')
  if (row.expiresAt < Date.now()) return invalid('expired code')
  if (form.get('redirect_uri') !== row.redirectUri) return invalid('redirect_uri mismatch')
  if (row.codeChallenge) {
    const verifier = form.get('code_verifier') ?? ''
    const expected =
      row.codeChallengeMethod === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier
    if (!verifier || !sameText(expected, row.codeChallenge)) return invalid('PKCE check failed')
  }
  const token = random()
  const now = Date.now()
  db().prepare('DELETE FROM token WHERE expiresAt < ?').run(now)
  db()
    .prepare('INSERT INTO token VALUES (?, ?, ?)')
    .run(token, row.email, now + TOKEN_TTL_S * 1000)
  return {
    ok: true,
    body: {
      access_token: token,
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_S,
      scope: 'profile email',
    },
  }
}

/** The userinfo endpoint: the profile behind a live access token, or null. */
export function userInfo(authorization: string | null): Record<string, unknown> | null {
  if (!authorization?.startsWith('Bearer ')) return null
  const row = db()
    .prepare('SELECT email, expiresAt FROM token WHERE token = ?')
    .get(authorization.slice(7)) as { email: string; expiresAt: number } | undefined
  if (!row || row.expiresAt < Date.now()) return null
  // A stable subject per address, as a real provider keeps one per account.
  const sub = `demo-${createHash('sha256').update(row.email).digest('hex').slice(0, 24)}`
  const local = row.email.split('@')[0] ?? row.email
  return {
    id: sub,
    sub,
    email: row.email,
    email_verified: true,
    name: local.charAt(0).toUpperCase() + local.slice(1),
  }
}
