import { getAuth } from '../../../../lib/auth.ts'
import { authServiceURL } from '../../../../lib/env.ts'

// Better Auth's handler, under its default base path /api/auth: in this process, or (with
// BETTER_AUTH_SERVICE_URL) forwarded to the Better Auth service, so browsers keep one origin.
const handle = async (request: Request): Promise<Response> =>
  authServiceURL ? forward(request, authServiceURL) : (await getAuth()).handler(request)

/** The request as it came (method, headers with cookies and addresses, body), and the answer. */
async function forward(request: Request, service: string): Promise<Response> {
  const url = new URL(request.url)
  const headers = new Headers(request.headers)
  headers.delete('host')
  const answer = await fetch(`${service}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
    redirect: 'manual',
    // A streamed request body needs half duplex in Node's fetch.
    duplex: 'half',
  } as RequestInit).catch(() => null)
  if (!answer) {
    return Response.json(
      {
        message: `The Better Auth service at ${service} did not answer: start it (npm run demo:auth-service), then try again.`,
      },
      { status: 502 },
    )
  }
  const out = new Headers(answer.headers)
  // fetch has decoded the body already.
  out.delete('content-encoding')
  out.delete('content-length')
  return new Response(answer.body, { status: answer.status, headers: out })
}

export const GET = handle
export const POST = handle
