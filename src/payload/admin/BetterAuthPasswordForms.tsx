'use client'

import { Button } from '@payloadcms/ui'
import { type ReactNode, useState } from 'react'
import { requestPasswordReset, resetPassword } from './betterAuthRequests.ts'
import { ButtonRow, Field, failureMessage, Panel, submit, TryAgainRow } from './signInParts.tsx'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'

export interface BetterAuthForgotPasswordFormProps {
  /** Better Auth's base URL as the browser reaches it. */
  baseURL: string
  /** The admin's reset view, absolute: where Better Auth's emailed link sends the browser. */
  resetURL: string
  /** The admin's login view. */
  loginURL: string
  /** Better Auth can send reset emails (`emailAndPassword.sendResetPassword`). */
  enabled: boolean
  /** Why Better Auth's methods could not be read, when they could not. */
  error?: string
}

/** Forgot password: asks Better Auth to email a reset link that leads to the admin's reset view. */
export function BetterAuthForgotPasswordForm(props: BetterAuthForgotPasswordFormProps): ReactNode {
  const { baseURL, resetURL, loginURL, enabled, error } = props
  const t = useBetterAuthTranslation()
  const [sentTo, setSentTo] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const back = (
    <p style={{ margin: 0 }}>
      <a href={loginURL}>{t('backToSignIn')}</a>
    </p>
  )

  if (error || !enabled) {
    return (
      <Panel title={t('forgotTitle')}>
        <p role="alert">{error ?? t('forgotUnavailable')}</p>
        {error && <TryAgainRow label={t('tryAgain')} />}
        {back}
      </Panel>
    )
  }

  if (sentTo) {
    return (
      <Panel title={t('checkYourEmail')}>
        <p>{t('resetLinkSent', { email: sentTo })}</p>
        {back}
      </Panel>
    )
  }

  return (
    <Panel title={t('forgotTitle')} message={message}>
      <p style={{ margin: 0 }}>{t('forgotIntro')}</p>
      <form
        aria-label={t('forgotFormLabel')}
        onSubmit={submit(async (field) => {
          const email = field('email').trim()
          setBusy(true)
          setMessage(null)
          const result = await requestPasswordReset(baseURL, { email, redirectTo: resetURL })
          setBusy(false)
          if (!result.ok) return setMessage(failureMessage(t, result))
          setSentTo(email)
        })}
      >
        <Field name="email" label={t('email')} type="email" autoComplete="email" />
        <ButtonRow>
          <Button type="submit" buttonStyle="primary" size="large" disabled={busy}>
            {t('sendResetLink')}
          </Button>
        </ButtonRow>
      </form>
      {back}
    </Panel>
  )
}

export interface BetterAuthResetPasswordFormProps {
  /** Better Auth's base URL as the browser reaches it. */
  baseURL: string
  /** The token Better Auth put in the link (`?token=`); none when the link was refused. */
  token?: string
  /** Better Auth refused the link (`?error=INVALID_TOKEN`), or there is no token. */
  invalid: boolean
  /** Better Auth's `emailAndPassword.minPasswordLength`. */
  minPasswordLength: number
  /** The admin's login view; `?reset=done` is added after a change. */
  loginURL: string
  /** The admin's forgot-password view, to ask for a new link. */
  forgotURL: string
}

/** Reset password: the new password for the emailed token, then back to sign-in. */
export function BetterAuthResetPasswordForm(props: BetterAuthResetPasswordFormProps): ReactNode {
  const { baseURL, token, invalid, minPasswordLength, loginURL, forgotURL } = props
  const t = useBetterAuthTranslation()
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  if (invalid || !token) {
    return (
      <Panel title={t('resetTitle')}>
        <p role="alert">{t('resetLinkInvalid')}</p>
        <p style={{ margin: 0 }}>
          <a href={forgotURL}>{t('forgotPasswordLink')}</a>
        </p>
        <p style={{ margin: 0 }}>
          <a href={loginURL}>{t('backToSignIn')}</a>
        </p>
      </Panel>
    )
  }

  return (
    <Panel title={t('resetTitle')} message={message}>
      <form
        aria-label={t('resetFormLabel')}
        onSubmit={submit(async (field) => {
          const newPassword = field('newPassword')
          if (newPassword.length < minPasswordLength) {
            return setMessage(t('passwordTooShort', { min: minPasswordLength }))
          }
          if (newPassword !== field('confirmPassword')) return setMessage(t('passwordsDiffer'))
          setBusy(true)
          setMessage(null)
          const result = await resetPassword(baseURL, { newPassword, token })
          setBusy(false)
          if (!result.ok) return setMessage(failureMessage(t, result))
          const next = new URL(loginURL, window.location.href)
          next.searchParams.set('reset', 'done')
          window.location.assign(next.toString())
        })}
      >
        <Field
          name="newPassword"
          label={t('newPassword')}
          type="password"
          autoComplete="new-password"
        />
        <Field
          name="confirmPassword"
          label={t('confirmPassword')}
          type="password"
          autoComplete="new-password"
        />
        <ButtonRow>
          <Button type="submit" buttonStyle="primary" size="large" disabled={busy}>
            {t('changePassword')}
          </Button>
        </ButtonRow>
      </form>
      <p style={{ margin: 0 }}>
        <a href={loginURL}>{t('backToSignIn')}</a>
      </p>
    </Panel>
  )
}
