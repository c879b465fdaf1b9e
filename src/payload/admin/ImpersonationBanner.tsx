import type { ReactNode } from 'react'
import { impersonatedBy } from '../usersAccess.ts'
import { betterAuthT } from './i18n.ts'
import { StopImpersonatingButton } from './StopImpersonatingButton.tsx'

export interface ImpersonationBannerProps {
  /** Better Auth's base URL as the browser reaches it (the plugin passes it as a server prop). */
  betterAuthBaseURL: string
  /** The admin's signed-in user (Payload's server prop). */
  user?: unknown
  /** Payload's i18n for the request (server prop). */
  i18n?: { t: (key: never, vars?: Record<string, unknown>) => string }
}

/**
 * On every admin page while the session is an impersonation (Better Auth's admin plugin): who is
 * being impersonated, and a button that ends it. Renders nothing otherwise.
 */
export function ImpersonationBanner(props: ImpersonationBannerProps): ReactNode {
  const { user, i18n, betterAuthBaseURL } = props
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
