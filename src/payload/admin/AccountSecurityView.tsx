import { DefaultTemplate } from '@payloadcms/next/templates'
import { redirect } from 'next/navigation.js'
import type { AdminViewServerProps } from 'payload'
import { formatAdminURL } from 'payload/shared'
import type { ReactNode } from 'react'
import type { BetterAuthLoginViewConfig } from '../options.ts'
import { AccountSecurity } from './AccountSecurity.tsx'
import { ACCOUNT_SECURITY_PATH } from './accountSecurityLogic.ts'
import { readAuthMethods } from './readAuthMethods.ts'

export type AccountSecurityViewProps = AdminViewServerProps & {
  betterAuth: BetterAuthLoginViewConfig
}

/**
 * The signed-in user's account security, in the admin's own template: reads what Better Auth
 * offers (`GET /methods`) and hands it to the client component, which calls Better Auth directly.
 * Signed-out visitors go to the login view and come back here.
 */
export async function AccountSecurityView(props: AccountSecurityViewProps): Promise<ReactNode> {
  const { initPageResult, params, searchParams, betterAuth } = props
  const { req, permissions, locale, visibleEntities } = initPageResult
  const { payload, user } = req
  const { routes, admin } = payload.config
  const adminURL = (path: `/${string}`) => formatAdminURL({ adminRoute: routes.admin, path })
  const here = adminURL(ACCOUNT_SECURITY_PATH)

  // Custom views skip Payload's own admin-access redirect: do what it would do.
  if (!user) {
    redirect(`${adminURL(admin.routes.login)}?redirect=${encodeURIComponent(here)}`)
  }
  if (!permissions.canAccessAdmin) redirect(adminURL(admin.routes.unauthorized))

  const methods = await readAuthMethods(betterAuth)
  const site = betterAuth.externalBaseURL
  // Absolute URLs for the browser to come back to (with Next's base path).
  const absolute = (path: `/${string}`) =>
    formatAdminURL({ adminRoute: routes.admin, path, includeBasePath: true, serverURL: site })
  return (
    <DefaultTemplate
      i18n={req.i18n}
      locale={locale}
      params={params}
      payload={payload}
      permissions={permissions}
      req={req}
      searchParams={searchParams}
      user={user}
      viewType="account"
      visibleEntities={{
        collections: visibleEntities.collections,
        globals: visibleEntities.globals,
      }}
    >
      <AccountSecurity
        baseURL={`${site}${betterAuth.basePath}`}
        methods={'methods' in methods ? methods.methods : []}
        methodsUnavailable={'error' in methods}
        resetPasswordURL={absolute(admin.routes.reset)}
        callbackURL={absolute(ACCOUNT_SECURITY_PATH)}
        accountURL={adminURL(admin.routes.account)}
      />
    </DefaultTemplate>
  )
}
