'use client'

import { magicLinkClient, twoFactorClient } from 'better-auth/client/plugins'
import { createAuthClient } from 'better-auth/react'

/** Better Auth's browser client: same origin, default base path `/api/auth`. */
export const authClient = createAuthClient({
  plugins: [magicLinkClient(), twoFactorClient()],
})
