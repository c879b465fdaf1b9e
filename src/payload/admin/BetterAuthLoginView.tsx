import { redirect } from 'next/navigation.js'
import type { AdminViewServerProps } from 'payload'
import { getSafeRedirect } from 'payload/shared'
import type { ReactNode } from 'react'
import type { AuthMethod } from '../../shared/methods.ts'
import type { BetterAuthLoginViewConfig } from '../options.ts'
import { BetterAuthLoginForm } from './BetterAuthLoginForm.tsx'

export type BetterAuthLoginViewProps = AdminViewServerProps & {
  betterAuth: BetterAuthLoginViewConfig
}

/**
 * Replaces Payload's admin login view: asks Better Auth which methods it offers (`GET /methods`)
 * and renders them; on an empty users collection it offers to create the first user instead.
 */
export async function BetterAuthLoginView(props: BetterAuthLoginViewProps): Promise<ReactNode> {
  const { initPageResult, searchParams, betterAuth } = props
  const { payload, user } = initPageResult.req
  const redirectTo = getSafeRedirect({
    fallbackTo: payload.config.routes.admin,
    redirectTo: searchParams?.redirect ?? '',
  })
  if (user) redirect(redirectTo)

  const [methods, firstUser] = await Promise.all([
    readAuthMethods(`${betterAuth.internalBaseURL}${betterAuth.basePath}/methods`),
    payload
      .count({ collection: betterAuth.usersSlug, overrideAccess: true })
      .then(({ totalDocs }) => totalDocs === 0),
  ])
  return (
    <BetterAuthLoginForm
      baseURL={`${betterAuth.externalBaseURL}${betterAuth.basePath}`}
      methods={'methods' in methods ? methods.methods : []}
      error={'error' in methods ? methods.error : undefined}
      redirectTo={redirectTo}
      callbackURL={new URL(redirectTo, betterAuth.externalBaseURL).toString()}
      firstUser={firstUser}
    />
  )
}

async function readAuthMethods(
  url: string,
): Promise<{ methods: AuthMethod[] } | { error: string }> {
  try {
    const response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(5_000) })
    if (!response.ok) throw new Error(`status ${response.status}`)
    return { methods: (await response.json()) as AuthMethod[] }
  } catch (error) {
    console.error(`[payload] could not read the sign-in methods from ${url}: ${error}`)
    return {
      error:
        'Sign-in is unavailable: Better Auth did not answer. Check that it is running (and that betterAuthClientOptions.internalBaseURL points to it), then try again.',
    }
  }
}
