import type { AuthStrategy, CollectionConfig } from 'payload'
import { internalURL } from '../lib/env.ts'

// For `npm run bench` only (DEMO_BENCH_COMPARISONS=1): the two ways other setups authenticate a
// Payload request, next to ours, on the same production server behind the same load balancer.
// Never on in the demo itself: a password login here goes around Better Auth.

export const benchComparisons = process.env.DEMO_BENCH_COMPARISONS === '1'

/**
 * What other integrations do: every request asks Better Auth's `get-session` over HTTP, then loads
 * the Payload user. The session cookie comes in `x-bench-cookie`, so the plugin's own strategy
 * (which reads `cookie`) does not answer first.
 */
const getSessionOverHttp: AuthStrategy = {
  name: 'bench-get-session-over-http',
  async authenticate({ headers, payload }) {
    const cookie = headers.get('x-bench-cookie')
    if (!cookie) return { user: null }
    const response = await fetch(`${internalURL}/api/auth/get-session`, { headers: { cookie } })
    const session = response.ok
      ? ((await response.json()) as { user?: { id?: string } } | null)
      : null
    if (!session?.user?.id) return { user: null }
    const { docs } = await payload.find({
      collection: 'users',
      where: { baUserId: { equals: session.user.id } },
      limit: 1,
      depth: 0,
      overrideAccess: true,
    })
    const [user] = docs
    return user
      ? { user: { ...user, collection: 'users', _strategy: 'bench-get-session-over-http' } }
      : { user: null }
  },
}

/** Payload's own password login and JWT, with the comparison strategy above. */
export const PayloadLogins: CollectionConfig = {
  slug: 'payload-logins',
  auth: { strategies: [getSessionOverHttp] },
  admin: { hidden: true },
  access: {
    create: () => false,
    read: ({ req }) => req.user?.collection === 'payload-logins',
    update: () => false,
    delete: () => false,
  },
  fields: [],
}

/** The benchmark's Payload login: made once, by whichever instance starts first. */
export const BENCH_LOGIN = { email: 'bench-login@example.com' }
