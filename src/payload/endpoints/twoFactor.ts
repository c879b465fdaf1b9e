import { APIError, type Endpoint, type PayloadRequest } from 'payload'
import { RESET_TWO_FACTOR_PATH } from '../../shared/twoFactorReset.ts'
import { postAsUser } from '../betterAuthApi.ts'

// `POST /api/<users>/:id/2fa/enable|verify|disable|backup-codes`: a user's two-factor
// authentication, carried out by Better Auth's two-factor plugin as the acting user (their own
// cookies go along). On one's own document each action is the plugin's endpoint; on another
// user's, only `disable` exists, as the admin's reset (`/payload/reset-two-factor`), and Better
// Auth's admin plugin decides who may. Nothing here computes a code or touches a secret.

export interface TwoFactorEndpointsOptions {
  /** Better Auth's base path as this server reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
  usersSlug: string
  /**
   * The users field holding a user's Better Auth id: `baUserId` (synced topology, the default) or
   * `id` (shared database: the document is Better Auth's user).
   */
  userIdField?: 'baUserId' | 'id'
  timeoutMs?: number
}

type Action = 'enable' | 'verify' | 'disable' | 'backup-codes'

/** Better Auth's path and body for each action on one's own two-factor. */
const OWN: Record<Action, { path: string; field: 'password' | 'code' }> = {
  enable: { path: '/two-factor/enable', field: 'password' },
  verify: { path: '/two-factor/verify-totp', field: 'code' },
  disable: { path: '/two-factor/disable', field: 'password' },
  'backup-codes': { path: '/two-factor/generate-backup-codes', field: 'password' },
}

const MAX_INPUT_LENGTH = 1_024

const refuse = (message: string, status: number) => new APIError(message, status, null, true)

export function twoFactorEndpoints(options: TwoFactorEndpointsOptions): Endpoint[] {
  return (Object.keys(OWN) as Action[]).map((action) => ({
    path: `/:id/2fa/${action}`,
    method: 'post',
    handler: (req: PayloadRequest) => handle(options, action, req),
  }))
}

async function handle(
  { baseURL, usersSlug, userIdField = 'baUserId', timeoutMs = 10_000 }: TwoFactorEndpointsOptions,
  action: Action,
  req: PayloadRequest,
): Promise<Response> {
  const user = req.user
  if (!user) {
    throw refuse('Sign in to manage two-factor authentication.', 401)
  }
  const id = String(req.routeParams?.id ?? '')
  const own = user.collection === usersSlug && String(user.id) === id
  const body = await readBody(req)

  if (own) {
    const { path, field } = OWN[action]
    const value = body[field]
    if (field === 'code' && (typeof value !== 'string' || !/^\d{4,12}$/.test(value))) {
      throw refuse('Give the code from your authenticator app: { "code": "123456" }.', 400)
    }
    if (value !== undefined && (typeof value !== 'string' || value.length > MAX_INPUT_LENGTH)) {
      throw refuse(`${field} must be a string.`, 400)
    }
    return forward(
      `${baseURL}${path}`,
      value === undefined ? {} : { [field]: value },
      req,
      timeoutMs,
    )
  }

  if (action !== 'disable') {
    throw refuse(
      `Only the user themselves can ${action === 'backup-codes' ? 'generate backup codes' : `${action} two-factor authentication`}; an admin can only reset (disable) another user's two-factor.`,
      403,
    )
  }
  const target = await req.payload
    .findByID({ collection: usersSlug, id, depth: 0, overrideAccess: true, disableErrors: true })
    .catch(() => null)
  if (!target) throw refuse(`No user has id ${id}.`, 404)
  const betterAuthId = (target as Record<string, unknown>)[userIdField]
  if (
    (typeof betterAuthId !== 'string' && typeof betterAuthId !== 'number') ||
    betterAuthId === ''
  ) {
    throw refuse(`User ${id} has no Better Auth identity yet; nothing to reset.`, 409)
  }
  return forward(
    `${baseURL}${RESET_TWO_FACTOR_PATH}`,
    { userId: String(betterAuthId) },
    req,
    timeoutMs,
  )
}

/** The JSON body (an object), or a 400. An empty body is `{}`. */
async function readBody(req: PayloadRequest): Promise<Record<string, unknown>> {
  let text = ''
  try {
    text = (await req.text?.()) ?? ''
  } catch {
    throw refuse('Could not read the request body.', 400)
  }
  if (!text.trim()) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw refuse('The body must be JSON.', 400)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw refuse('The body must be a JSON object.', 400)
  }
  return parsed as Record<string, unknown>
}

/**
 * POSTs to Better Auth as the request's user and answers with what it answered: its JSON, and the
 * cookies it set (enabling, verifying and disabling replace the session, so the browser must get
 * the new one). A refusal keeps Better Auth's status and message; no answer is a 503.
 */
async function forward(
  url: string,
  body: object,
  req: PayloadRequest,
  timeoutMs: number,
): Promise<Response> {
  const { data, setCookies } = await postAsUser(url, body, req, timeoutMs)
  const headers = new Headers({ 'content-type': 'application/json' })
  for (const cookie of setCookies) headers.append('set-cookie', cookie)
  return new Response(JSON.stringify(data ?? {}), { status: 200, headers })
}
