import { headers as requestHeaders } from 'next/headers.js'
import { executeAuthStrategies, type Payload } from 'payload'
import type { ReactNode } from 'react'
import { impersonatedBy } from '../usersAccess.ts'
import { betterAuthT } from './i18n.ts'
import { StopImpersonatingButton } from './StopImpersonatingButton.tsx'

export interface ImpersonationBannerProps {
  /** Better Auth's base URL as the browser reaches it (the plugin passes it as a server prop). */
  betterAuthBaseURL: string
  /** Payload (server prop). */
  payload: Payload
  /** Payload's i18n for the request (server prop). */
  i18n?: { t: (key: never, vars?: Record<string, unknown>) => string }
}

/**
 * On every admin page while the session is an impersonation (Better Auth's admin plugin): who is
 * being impersonated, and a button that ends it. Renders nothing otherwise.
 */
export async function ImpersonationBanner(props: ImpersonationBannerProps): Promise<ReactNode> {
  const { payload, i18n, betterAuthBaseURL } = props
  // The template's `user` prop is the document as read again, without what the strategy attached
  // (who is impersonating): the request's own credentials say it.
  const { user } = await executeAuthStrategies({ headers: await requestHeaders(), payload })
  if (!impersonatedBy(user)) return null
  const email = String((user as { email?: unknown }).email ?? '')
  const t = i18n ? betterAuthT(i18n.t) : (key: string) => key
  return (
    <div
      role="status"
      className="better-auth-impersonation"
      style={{
        display: 'flex',
        gap: '1rem',
        alignItems: 'center',
        justifyContent: 'center',
        flexWrap: 'wrap',
        padding: '0.5rem 1rem',
        background: 'var(--theme-warning-100)',
        color: 'var(--theme-warning-800)',
        borderBottom: '1px solid var(--theme-warning-250, var(--theme-warning-200))',
      }}
    >
      <span>{t('manageImpersonating', { email })}</span>
      <StopImpersonatingButton baseURL={betterAuthBaseURL} />
    </div>
  )
}
