import config from '@payload-config'
import { headers as nextHeaders } from 'next/headers.js'
import { getPayload } from 'payload'
import { getAuth } from './auth.ts'

/**
 * Who is asking, seen from both sides: Better Auth's session (from its API) and the Payload user
 * (from Payload's own auth, which reads the same session from the shared storage).
 */
export async function getViewer() {
  const headers = await nextHeaders()
  const [auth, payload] = await Promise.all([getAuth(), getPayload({ config })])
  const [session, payloadAuth] = await Promise.all([
    auth.api.getSession({ headers }),
    payload.auth({ headers }),
  ])
  return { session, payloadUser: payloadAuth.user, payload, headers }
}
