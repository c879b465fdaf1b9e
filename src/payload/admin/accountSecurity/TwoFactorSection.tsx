'use client'

import { Button } from '@payloadcms/ui'
import { type FormEvent, type ReactNode, useState } from 'react'
import type { MethodOptions } from '../../../shared/methods.ts'
import {
  disableTwoFactor,
  enableTwoFactor,
  generateBackupCodes,
  verifyTotpCode,
} from '../accountRequests.ts'
import { type OtpauthDetails, parseOtpauthURI, qrCodeDataURL } from '../accountSecurityLogic.ts'
import { BackupCodes } from './BackupCodes.tsx'
import { Field, Section, useAction, useT } from './parts.tsx'

type TwoFactorStep =
  | { step: 'idle' }
  | { step: 'verify'; uri: string; details: OtpauthDetails; backupCodes: string[] }
  | { step: 'codes'; codes: string[] }

/** Turn two-factor on (scanning and verifying an authenticator), regenerate codes, turn it off. */
export function TwoFactorSection(props: {
  baseURL: string
  options: MethodOptions['twoFactor']
  enabled: boolean
  hasPassword: boolean
  account: string
  onChange: () => Promise<void>
}): ReactNode {
  const { baseURL, options, enabled, hasPassword } = props
  const { t } = useT()
  const action = useAction()
  const [state, setState] = useState<TwoFactorStep>({ step: 'idle' })
  const [password, setPassword] = useState('')
  const passwordBody = hasPassword ? { password } : {}

  const enable = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void action.run(
      () => enableTwoFactor(baseURL, { ...passwordBody, method: options.totp ? 'totp' : 'otp' }),
      (data) => {
        setPassword('')
        if (data.totpURI) {
          const details = parseOtpauthURI(data.totpURI)
          if (!details) return t('betterAuthDown')
          setState({
            step: 'verify',
            uri: data.totpURI,
            details,
            backupCodes: data.backupCodes ?? [],
          })
          return null
        }
        // Codes by email: on at once.
        void props.onChange()
        return t('accountTwoFactorEnabled')
      },
    )
  }

  const verify = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (state.step !== 'verify') return
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s+/g, '')
    void action.run(
      () => verifyTotpCode(baseURL, { code }),
      () => {
        setState(
          options.backupCodes && state.backupCodes.length > 0
            ? { step: 'codes', codes: state.backupCodes }
            : { step: 'idle' },
        )
        void props.onChange()
        return t('accountTwoFactorEnabled')
      },
    )
  }

  const regenerate = () =>
    action.run(
      () => generateBackupCodes(baseURL, passwordBody),
      (data) => {
        setPassword('')
        setState({ step: 'codes', codes: data.backupCodes })
        return t('accountBackupCodesReplaced')
      },
    )

  const disable = () =>
    action.run(
      () => disableTwoFactor(baseURL, passwordBody),
      () => {
        setPassword('')
        setState({ step: 'idle' })
        void props.onChange()
        return t('accountTwoFactorDisabled')
      },
    )

  const passwordField = hasPassword && (
    <Field
      name="password"
      label={t('accountYourPassword')}
      type="password"
      autoComplete="current-password"
      value={password}
      onChange={setPassword}
    />
  )

  return (
    <Section title={t('accountTwoFactorHeading')} action={action}>
      {state.step === 'verify' ? (
        <div style={{ display: 'grid', gap: 'var(--base, 20px)' }}>
          <p>{t('accountScanQRCode')}</p>
          {/* biome-ignore lint/performance/noImgElement: a data: URL drawn here; nothing for next/image to fetch or optimise */}
          <img
            src={qrCodeDataURL(state.uri)}
            alt={t('accountQRCode')}
            width={200}
            height={200}
            style={{ background: '#fff', imageRendering: 'pixelated' }}
          />
          <dl style={{ margin: 0 }}>
            <dt>{t('accountSetupKey')}</dt>
            <dd style={{ margin: 0 }}>
              <code data-testid="better-auth-totp-secret" style={{ wordBreak: 'break-all' }}>
                {state.details.secret}
              </code>
            </dd>
          </dl>
          <form onSubmit={verify}>
            <Field
              name="code"
              label={t('accountAuthenticatorCode')}
              autoComplete="one-time-code"
              inputMode="numeric"
            />
            <div style={{ display: 'flex', gap: 'calc(var(--base, 20px) / 2)' }}>
              <Button type="submit" buttonStyle="primary" disabled={action.busy}>
                {t('accountVerifyCode')}
              </Button>
              <Button
                buttonStyle="secondary"
                disabled={action.busy}
                onClick={() => {
                  action.clear()
                  setState({ step: 'idle' })
                }}
              >
                {t('accountCancel')}
              </Button>
            </div>
          </form>
        </div>
      ) : (
        <>
          {state.step === 'codes' && (
            <BackupCodes
              codes={state.codes}
              account={props.account}
              onDone={() => {
                action.clear()
                setState({ step: 'idle' })
              }}
            />
          )}
          <p>{enabled ? t('accountTwoFactorOn') : t('accountTwoFactorOff')}</p>
          {!options.totp && options.otp && <p>{t('accountTwoFactorByEmail')}</p>}
          {enabled ? (
            <form onSubmit={(event) => event.preventDefault()}>
              {passwordField}
              <div
                style={{ display: 'flex', gap: 'calc(var(--base, 20px) / 2)', flexWrap: 'wrap' }}
              >
                {options.backupCodes && options.totp && (
                  <Button buttonStyle="secondary" disabled={action.busy} onClick={regenerate}>
                    {t('accountRegenerateBackupCodes')}
                  </Button>
                )}
                <Button buttonStyle="error" disabled={action.busy} onClick={disable}>
                  {t('accountDisableTwoFactor')}
                </Button>
              </div>
            </form>
          ) : (
            <form onSubmit={enable}>
              {passwordField}
              <Button type="submit" buttonStyle="primary" disabled={action.busy}>
                {t('accountEnableTwoFactor')}
              </Button>
            </form>
          )}
        </>
      )}
    </Section>
  )
}
