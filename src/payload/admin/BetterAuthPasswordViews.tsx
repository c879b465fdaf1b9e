import { redirect } from 'next/navigation.js'
import type { AdminViewServerProps } from 'payload'
import { formatAdminURL } from 'payload/shared'
import type { ReactNode } from 'react'
import { findMethod } from '../../shared/methods.ts'
import type { BetterAuthLoginViewConfig } from '../options.ts'
import {
  BetterAuthForgotPasswordForm,
  BetterAuthResetPasswordForm,
} from './BetterAuthPasswordForms.tsx'
import { betterAuthT } from './i18n.ts'
import { readAuthMethods, searchParam } from './readAuthMethods.ts'

// Better Auth's forgot-password flow inside the admin, replacing Payload's own forgot and reset
// views (which need Payload's password strategy, off here): `/forgot` asks Better Auth to email a
// link; the link goes through Better Auth's `/reset-password/:token`, which sends the browser to
// `/reset?token=...`; `/reset` sets the new password and returns to the login view.

export type BetterAuthPasswordViewProps = AdminViewServerProps & {
  betterAuth: BetterAuthLoginViewConfig
}

/** The admin's URLs these views link to (relative ones include Next's base path). */
function adminURLs(props: BetterAuthPasswordViewProps) {
  const { config } = props.initPageResult.req.payload
  const url = (path: `/${string}`, serverURL?: string) =>
    formatAdminURL({ adminRoute: config.routes.admin, path, includeBasePath: true, serverURL })
  return {
    login: url(config.admin.routes.login),
    forgot: url(config.admin.routes.forgot),
    reset: url(config.admin.routes.reset, props.betterAuth.externalBaseURL),
  }
}

/** `/admin/forgot`: Better Auth's "forgot password" (shown when its `sendResetPassword` is set). */
export async function BetterAuthForgotPasswordView(
  props: BetterAuthPasswordViewProps,
): Promise<ReactNode> {
  const { initPageResult, betterAuth } = props
  const { payload, user, i18n } = initPageResult.req
  if (user) redirect(payload.config.routes.admin)
  const read = await readAuthMethods(betterAuth)
  const urls = adminURLs(props)
  return (
    <BetterAuthForgotPasswordForm
      baseURL={`${betterAuth.externalBaseURL}${betterAuth.basePath}`}
      resetURL={urls.reset}
      loginURL={urls.login}
      enabled={'methods' in read && Boolean(findMethod(read.methods, 'forgotPassword'))}
      error={'error' in read ? betterAuthT(i18n.t)('signInUnavailable') : undefined}
    />
  )
}

/**
 * `/admin/reset?token=...`: the new password. Payload renders a custom view on this route without
 * its minimal template (its own reset view is `/reset/:token`), so this one draws the template.
 */
export async function BetterAuthResetPasswordView(
  props: BetterAuthPasswordViewProps,
): Promise<ReactNode> {
  const { searchParams, betterAuth } = props
  const read = await readAuthMethods(betterAuth)
  const urls = adminURLs(props)
  const token = searchParam(searchParams, 'token')
  const minPasswordLength =
    ('methods' in read &&
      findMethod(read.methods, 'emailAndPassword')?.options?.minPasswordLength) ||
    8
  return (
    <section className="reset-password template-minimal template-minimal--width-normal">
      <div className="template-minimal__wrap">
        <BetterAuthResetPasswordForm
          baseURL={`${betterAuth.externalBaseURL}${betterAuth.basePath}`}
          token={token}
          invalid={Boolean(searchParam(searchParams, 'error')) || !token}
          minPasswordLength={minPasswordLength}
          loginURL={urls.login}
          forgotURL={urls.forgot}
        />
      </div>
    </section>
  )
}
