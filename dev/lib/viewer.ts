import config from '@payload-config'
import { headers as nextHeaders } from 'next/headers.js'
import { getPayload } from 'payload'
import { getAuth } from './auth.ts'
import { authServiceURL } from './env.ts'

type Session = Awaited<ReturnType<Awaited<ReturnType<typeof getAuth>>['api']['getSession']>>

/** Better Auth's session for these headers: asked in this process, or of the service. */
async function sessionOf(headers: Headers): Promise<Session> {
  if (!authServiceURL) return (await getAuth()).api.getSession({ headers })
  const response = await fetch(`${authServiceURL}/api/auth/get-session`, {
    headers: { cookie: headers.get('cookie') ?? '' },
    cache: 'no-store',
  })
  return response.ok ? ((await response.json()) as Session) : null
}

/**
 * Who is asking, seen from both sides: Better Auth's session (from its API) and the Payload user
 * (from Payload's own auth, which reads the same session from the shared storage).
 */
export async function getViewer() {
  const headers = await nextHeaders()
  const payload = await getPayload({ config })
  const [session, payloadAuth] = await Promise.all([sessionOf(headers), payload.auth({ headers })])
  return { session, payloadUser: payloadAuth.user, payload, headers }
}
