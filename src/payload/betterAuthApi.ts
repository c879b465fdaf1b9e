import { APIError, type PayloadRequest } from 'payload'

// Payload's calls to Better Auth on behalf of the request's user: the user's own credentials and
// the request's real Origin go along, so Better Auth authenticates and authorizes the call exactly
// as if the browser had made it.

export interface BetterAuthApiOptions {
  /** Better Auth's base path as this server reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
  timeoutMs?: number
}

/** Request headers that carry who is asking and from where (Better Auth judges both). */
const FORWARDED = [
  'cookie',
  'authorization',
  'origin',
  'referer',
  'sec-fetch-site',
  'user-agent',
] as const

export function forwardedHeaders(req: Pick<PayloadRequest, 'headers'>): Headers {
  const headers = new Headers({ 'content-type': 'application/json' })
  for (const name of FORWARDED) {
    const value = req.headers?.get(name)
    if (value) headers.set(name, value)
  }
  return headers
}

export type BetterAuthCall = <T>(path: string, body: object, req: PayloadRequest) => Promise<T>

/**
 * POSTs `body` to `url` (a Better Auth endpoint) as the request's user: its JSON answer and the
 * cookies it set. Better Auth's refusal becomes a Payload error with its status and message; no
 * answer becomes a 503 that says to try again.
 */
export async function postAsUser(
  url: string,
  body: object,
  req: Pick<PayloadRequest, 'headers'>,
  timeoutMs = 10_000,
): Promise<{ data: unknown; setCookies: string[] }> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: forwardedHeaders(req),
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    })
  } catch (error) {
    throw new APIError(
      `Better Auth did not answer at ${url} (${String(error)}); nothing was saved. Try again in a moment (check betterAuthClientOptions.internalBaseURL).`,
      503,
      null,
      true,
    )
  }
  const text = await response.text()
  let data: unknown = null
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  if (!response.ok) {
    const message = (data as { message?: unknown } | null)?.message ?? (text || response.statusText)
    throw new APIError(
      `Better Auth refused the request: ${String(message)}`,
      response.status >= 400 && response.status < 500 ? response.status : 502,
      null,
      true,
    )
  }
  return { data, setCookies: response.headers.getSetCookie() }
}

/** `postAsUser` under Better Auth's base path, answering with the JSON alone. */
export function betterAuthApi({
  baseURL,
  timeoutMs = 10_000,
}: BetterAuthApiOptions): BetterAuthCall {
  return async <T>(path: string, body: object, req: PayloadRequest): Promise<T> =>
    (await postAsUser(`${baseURL}${path}`, body, req, timeoutMs)).data as T
}
