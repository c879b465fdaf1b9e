import { redirect } from 'next/navigation.js'
import type { AdminViewServerProps } from 'payload'
import { formatAdminURL, getSafeRedirect } from 'payload/shared'
import type { ReactNode } from 'react'
import { findMethod } from '../../shared/methods.ts'
import type { BetterAuthLoginViewConfig } from '../options.ts'
import { BetterAuthLoginForm } from './BetterAuthLoginForm.tsx'
import { betterAuthT } from './i18n.ts'
import { readAuthMethods, searchParam } from './readAuthMethods.ts'

export type BetterAuthLoginViewProps = AdminViewServerProps & {
  betterAuth: BetterAuthLoginViewConfig
}

/**
 * Replaces Payload's admin login view: asks Better Auth which methods it offers (`GET /methods`)
 * and renders them; on an empty users collection it offers to create the first user instead.
 */
export async function BetterAuthLoginView(props: BetterAuthLoginViewProps): Promise<ReactNode> {
  const { initPageResult, searchParams, betterAuth } = props
  const { payload, user, i18n } = initPageResult.req
  const { config } = payload
  const redirectTo = getSafeRedirect({
    fallbackTo: config.routes.admin,
    redirectTo: searchParam(searchParams, 'redirect') ?? '',
  })
  if (user) redirect(redirectTo)

  const [read, firstUser] = await Promise.all([
    readAuthMethods(betterAuth),
    payload
      .count({ collection: betterAuth.usersSlug, overrideAccess: true })
      .then(({ totalDocs }) => totalDocs === 0),
  ])
  const methods = 'methods' in read ? read.methods : []
  const forgot = findMethod(methods, 'forgotPassword')
  return (
    <BetterAuthLoginForm
      baseURL={`${betterAuth.externalBaseURL}${betterAuth.basePath}`}
      methods={methods}
      error={'error' in read ? betterAuthT(i18n.t)('signInUnavailable') : undefined}
      redirectTo={redirectTo}
      callbackURL={new URL(redirectTo, betterAuth.externalBaseURL).toString()}
      firstUser={firstUser}
      forgotURL={
        forgot
          ? formatAdminURL({
              adminRoute: config.routes.admin,
              path: config.admin.routes.forgot,
              includeBasePath: true,
            })
          : undefined
      }
      passwordChanged={searchParam(searchParams, 'reset') === 'done'}
    />
  )
}
