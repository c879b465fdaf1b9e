'use client'

import { Button } from '@payloadcms/ui'
import type { FormEvent, ReactNode } from 'react'
import { changePassword, requestPasswordReset } from '../accountRequests.ts'
import { Checkbox, Field, Section, SectionButton, useAction, useT } from './parts.tsx'

/** Change the password, or (an account without one) send a link to set one. */
export function PasswordSection(props: {
  baseURL: string
  hasPassword: boolean
  email: string
  minPasswordLength: number
  canEmailLink: boolean
  resetPasswordURL: string
  onChange: () => Promise<void>
}): ReactNode {
  const { t } = useT()
  const action = useAction()

  if (!props.hasPassword) {
    return (
      <Section title={t('accountPasswordHeading')} action={action}>
        <p>{props.canEmailLink ? t('accountNoPassword') : t('accountNoPasswordNoEmail')}</p>
        {props.canEmailLink && (
          <SectionButton
            action={action}
            onClick={() =>
              action.run(
                () =>
                  requestPasswordReset(props.baseURL, {
                    email: props.email,
                    redirectTo: props.resetPasswordURL,
                  }),
                () => t('accountSetPasswordLinkSent', { email: props.email }),
              )
            }
          >
            {t('accountSendSetPasswordLink')}
          </SectionButton>
        )}
      </Section>
    )
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const data = new FormData(form)
    const currentPassword = String(data.get('currentPassword') ?? '')
    const newPassword = String(data.get('newPassword') ?? '')
    if (newPassword !== String(data.get('repeatPassword') ?? '')) {
      return action.fail(t('accountPasswordsDiffer'))
    }
    if (newPassword.length < props.minPasswordLength) {
      return action.fail(t('accountPasswordTooShort', { count: props.minPasswordLength }))
    }
    void action.run(
      () =>
        changePassword(props.baseURL, {
          currentPassword,
          newPassword,
          revokeOtherSessions: data.get('revokeOtherSessions') === 'on',
        }),
      () => {
        form.reset()
        void props.onChange()
        return t('accountPasswordChanged')
      },
    )
  }

  return (
    <Section title={t('accountPasswordHeading')} action={action}>
      <form onSubmit={submit}>
        <Field
          name="currentPassword"
          label={t('accountCurrentPassword')}
          type="password"
          autoComplete="current-password"
        />
        <Field
          name="newPassword"
          label={t('accountNewPassword')}
          type="password"
          autoComplete="new-password"
        />
        <Field
          name="repeatPassword"
          label={t('accountRepeatNewPassword')}
          type="password"
          autoComplete="new-password"
        />
        <Checkbox name="revokeOtherSessions" label={t('accountAlsoSignOutOthers')} />
        <Button type="submit" buttonStyle="primary" disabled={action.busy}>
          {t('accountChangePassword')}
        </Button>
      </form>
    </Section>
  )
}
