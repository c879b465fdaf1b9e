'use client'

import { Gutter, SetStepNav } from '@payloadcms/ui'
import { type ReactNode, useCallback, useEffect, useState } from 'react'
import { type AuthMethod, findMethod } from '../../shared/methods.ts'
import {
  type AccountEntry,
  type CurrentSession,
  getSession,
  listAccounts,
} from './accountRequests.ts'
import { LinkedAccountsSection } from './accountSecurity/LinkedAccountsSection.tsx'
import { PasskeysSection } from './accountSecurity/PasskeysSection.tsx'
import { PasswordSection } from './accountSecurity/PasswordSection.tsx'
import { Alert, useT } from './accountSecurity/parts.tsx'
import { SessionsSection } from './accountSecurity/SessionsSection.tsx'
import { TwoFactorSection } from './accountSecurity/TwoFactorSection.tsx'

export interface AccountSecurityProps {
  /** Better Auth's base URL as the browser reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
  /** What Better Auth's `GET /methods` reported. */
  methods: AuthMethod[]
  /** `GET /methods` did not answer: only the sessions are shown. */
  methodsUnavailable?: boolean
  /** Absolute URL Better Auth's set-a-password (reset) link lands on, with `?token=`. */
  resetPasswordURL: string
  /** Absolute URL of this view: where a provider sends the browser back after linking. */
  callbackURL: string
  /** The admin's account page, for the breadcrumb. */
  accountURL: string
}

/**
 * The signed-in user's account security: password, two-factor, passkeys, sessions and linked
 * accounts, each section only when the Better Auth plugin behind it is on. Every action is a call
 * to Better Auth's own endpoint.
 */
export function AccountSecurity(props: AccountSecurityProps): ReactNode {
  const { baseURL, methods, methodsUnavailable, accountURL } = props
  const { t } = useT()
  const [session, setSession] = useState<CurrentSession | null>(null)
  const [accounts, setAccounts] = useState<AccountEntry[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)

  const reload = useCallback(async () => {
    const [current, linked] = await Promise.all([getSession(baseURL), listAccounts(baseURL)])
    if (!current.ok) return setLoadError(current.message)
    // Signed out meanwhile (e.g. from another tab): the view sends the browser to the login.
    if (!current.data) return window.location.reload()
    if (!linked.ok) return setLoadError(linked.message)
    setLoadError(null)
    setSession(current.data)
    setAccounts(linked.data)
  }, [baseURL])
  useEffect(() => {
    void reload()
  }, [reload])

  const emailAndPassword = findMethod(methods, 'emailAndPassword')
  const twoFactor = findMethod(methods, 'twoFactor')?.options
  const passkey = findMethod(methods, 'passkey')
  const social = findMethod(methods, 'social')?.options
  const providers = [...(social?.providers ?? []), ...(social?.genericOAuth ?? [])]
  const hasPassword = accounts?.some((account) => account.providerId === 'credential') ?? false

  return (
    <Gutter className="better-auth-account-security">
      <SetStepNav
        nav={[{ label: t('accountBreadcrumb'), url: accountURL }, { label: t('accountSecurity') }]}
      />
      <div
        style={{
          display: 'grid',
          gap: 'calc(var(--base, 20px) * 2)',
          paddingBlock: 'var(--base, 20px)',
        }}
      >
        <header>
          <h1>{t('accountSecurity')}</h1>
          <p>{t('accountSecurityIntro')}</p>
        </header>
        {methodsUnavailable && <Alert>{t('betterAuthDown')}</Alert>}
        {loadError && <Alert>{loadError}</Alert>}
        {!session || !accounts ? (
          !loadError && <p role="status">{t('accountLoading')}</p>
        ) : (
          <>
            {emailAndPassword && (
              <PasswordSection
                baseURL={baseURL}
                hasPassword={hasPassword}
                email={session.user.email}
                minPasswordLength={emailAndPassword.options?.minPasswordLength ?? 8}
                canEmailLink={Boolean(findMethod(methods, 'forgotPassword'))}
                resetPasswordURL={props.resetPasswordURL}
                onChange={reload}
              />
            )}
            {twoFactor && (twoFactor.totp || twoFactor.otp) && (
              <TwoFactorSection
                baseURL={baseURL}
                options={twoFactor}
                enabled={Boolean(session.user.twoFactorEnabled)}
                hasPassword={hasPassword}
                account={session.user.email}
                onChange={reload}
              />
            )}
            {passkey && <PasskeysSection baseURL={baseURL} />}
            {/* A new token (password change, two-factor on) re-reads the list. */}
            <SessionsSection
              key={session.session.token}
              baseURL={baseURL}
              currentToken={session.session.token}
            />
            {providers.length > 0 && (
              <LinkedAccountsSection
                baseURL={baseURL}
                providers={providers}
                accounts={accounts}
                callbackURL={props.callbackURL}
                onChange={reload}
              />
            )}
          </>
        )}
      </div>
    </Gutter>
  )
}
