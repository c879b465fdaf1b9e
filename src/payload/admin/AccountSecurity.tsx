'use client'

import { Banner, Button, Gutter, Pill, SetStepNav, useTranslation } from '@payloadcms/ui'
import { browserSupportsWebAuthn, startRegistration, WebAuthnError } from '@simplewebauthn/browser'
import {
  type FormEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useState,
} from 'react'
import { type AuthMethod, findMethod, type MethodOptions } from '../../shared/methods.ts'
import {
  type AccountEntry,
  type CurrentSession,
  changePassword,
  deletePasskey,
  disableTwoFactor,
  enableTwoFactor,
  generateBackupCodes,
  getSession,
  linkSocial,
  listAccounts,
  listPasskeys,
  listSessions,
  type PasskeyEntry,
  passkeyRegistrationOptions,
  renamePasskey,
  requestPasswordReset,
  revokeOtherSessions,
  revokeSession,
  type SessionEntry,
  unlinkAccount,
  verifyPasskeyRegistration,
  verifyTotpCode,
} from './accountRequests.ts'
import {
  backupCodesText,
  describeUserAgent,
  type OtpauthDetails,
  parseOtpauthURI,
  qrCodeDataURL,
} from './accountSecurityLogic.ts'
import type { BetterAuthResult } from './betterAuthRequests.ts'
import type { BetterAuthT } from './i18n.ts'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'

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

/** Our strings, and the admin's language for dates. */
function useT(): { t: BetterAuthT; language: string } {
  const t = useBetterAuthTranslation()
  const { i18n } = useTranslation()
  return { t, language: i18n.language }
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

// ---------------------------------------------------------------------------------------------
// Sections

function PasswordSection(props: {
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
          <div>
            <Button
              buttonStyle="secondary"
              disabled={action.busy}
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
            </Button>
          </div>
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

type TwoFactorStep =
  | { step: 'idle' }
  | { step: 'verify'; uri: string; details: OtpauthDetails; backupCodes: string[] }
  | { step: 'codes'; codes: string[] }

function TwoFactorSection(props: {
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

function BackupCodes(props: { codes: string[]; account: string; onDone: () => void }): ReactNode {
  const { t } = useT()
  const headingId = useId()
  const download = () => {
    const text = backupCodesText(props.codes, { account: props.account })
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = 'backup-codes.txt'
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1_000)
  }
  return (
    <div style={{ display: 'grid', gap: 'calc(var(--base, 20px) / 2)' }}>
      <h3 id={headingId} style={{ margin: 0 }}>
        {t('accountBackupCodesHeading')}
      </h3>
      <p style={{ margin: 0 }}>{t('accountBackupCodesNote')}</p>
      <ul
        aria-label={t('accountBackupCodesList')}
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(10rem, 1fr))',
          gap: '0.25rem 1rem',
          listStyle: 'none',
          padding: 0,
          margin: 0,
          fontFamily: 'var(--font-mono, monospace)',
        }}
      >
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div style={{ display: 'flex', gap: 'calc(var(--base, 20px) / 2)' }}>
        <Button buttonStyle="secondary" onClick={download}>
          {t('accountDownloadBackupCodes')}
        </Button>
        <Button buttonStyle="secondary" onClick={props.onDone}>
          {t('accountDone')}
        </Button>
      </div>
    </div>
  )
}

function PasskeysSection(props: { baseURL: string }): ReactNode {
  const { baseURL } = props
  const { t, language } = useT()
  const action = useAction()
  const [passkeys, setPasskeys] = useState<PasskeyEntry[] | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [supported, setSupported] = useState(true)

  const reload = useCallback(async () => {
    const result = await listPasskeys(baseURL)
    if (result.ok) setPasskeys(result.data)
    else action.fail(result.message)
  }, [baseURL, action.fail])
  useEffect(() => {
    setSupported(browserSupportsWebAuthn())
    void reload()
  }, [reload])

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const name = String(new FormData(form).get('passkeyName') ?? '').trim() || undefined
    void action.run(
      async (): Promise<BetterAuthResult<unknown>> => {
        const options = await passkeyRegistrationOptions(baseURL, name)
        if (!options.ok) return options
        let response: Awaited<ReturnType<typeof startRegistration>>
        try {
          response = await startRegistration({
            optionsJSON: options.data as unknown as Parameters<
              typeof startRegistration
            >[0]['optionsJSON'],
          })
        } catch (error) {
          const message =
            error instanceof WebAuthnError && error.name === 'NotAllowedError'
              ? t('accountPasskeyCancelled')
              : error instanceof Error
                ? error.message
                : t('accountPasskeyCancelled')
          return { ok: false, message }
        }
        const { clientExtensionResults: _ignored, ...body } = response
        return verifyPasskeyRegistration(baseURL, { response: body, name })
      },
      () => {
        form.reset()
        void reload()
        return t('accountPasskeyAdded')
      },
    )
  }

  const rename = (id: string) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim()
    if (!name) return
    void action.run(
      () => renamePasskey(baseURL, { id, name }),
      () => {
        setRenaming(null)
        void reload()
        return t('accountPasskeyRenamed')
      },
    )
  }

  const remove = (id: string) =>
    action.run(
      () => deletePasskey(baseURL, { id }),
      () => {
        void reload()
        return t('accountPasskeyRemoved')
      },
    )

  return (
    <Section title={t('accountPasskeysHeading')} action={action}>
      {passkeys === null ? (
        <p>{t('accountLoading')}</p>
      ) : passkeys.length === 0 ? (
        <p>{t('accountNoPasskeys')}</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: '0.5rem' }}>
          {passkeys.map((passkey) => {
            const label = passkey.name || t('accountPasskeyUnnamed')
            return (
              <li
                key={passkey.id}
                aria-label={label}
                style={{ display: 'flex', gap: '0.75rem', alignItems: 'center', flexWrap: 'wrap' }}
              >
                {renaming === passkey.id ? (
                  <form
                    onSubmit={rename(passkey.id)}
                    style={{ display: 'flex', gap: '0.5rem', alignItems: 'flex-end' }}
                  >
                    <Field
                      name="name"
                      label={t('accountPasskeyNewName')}
                      defaultValue={passkey.name ?? ''}
                    />
                    <Button type="submit" buttonStyle="primary" size="small" disabled={action.busy}>
                      {t('accountSaveName')}
                    </Button>
                    <Button buttonStyle="secondary" size="small" onClick={() => setRenaming(null)}>
                      {t('accountCancel')}
                    </Button>
                  </form>
                ) : (
                  <>
                    <strong>{label}</strong>
                    <span>{formatDate(passkey.createdAt, language)}</span>
                    <Button
                      buttonStyle="secondary"
                      size="small"
                      disabled={action.busy}
                      onClick={() => setRenaming(passkey.id)}
                    >
                      {t('accountRename')}
                    </Button>
                    <Button
                      buttonStyle="error"
                      size="small"
                      disabled={action.busy}
                      onClick={() => remove(passkey.id)}
                    >
                      {t('accountRemove')}
                    </Button>
                  </>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {supported ? (
        <form onSubmit={add}>
          <Field name="passkeyName" label={t('accountPasskeyName')} required={false} />
          <Button type="submit" buttonStyle="primary" disabled={action.busy}>
            {t('accountAddPasskey')}
          </Button>
        </form>
      ) : (
        <p>{t('accountPasskeysUnsupported')}</p>
      )}
    </Section>
  )
}

function SessionsSection(props: { baseURL: string; currentToken: string }): ReactNode {
  const { baseURL, currentToken } = props
  const { t, language } = useT()
  const action = useAction()
  const [sessions, setSessions] = useState<SessionEntry[] | null>(null)

  const reload = useCallback(async () => {
    const result = await listSessions(baseURL)
    if (result.ok) setSessions(result.data)
    else action.fail(result.message)
  }, [baseURL, action.fail])
  useEffect(() => {
    void reload()
  }, [reload])

  const sorted = useMemo(
    () =>
      [...(sessions ?? [])].sort(
        (a, b) =>
          Number(b.token === currentToken) - Number(a.token === currentToken) ||
          Date.parse(b.createdAt) - Date.parse(a.createdAt),
      ),
    [sessions, currentToken],
  )
  const others = sorted.filter((session) => session.token !== currentToken)

  return (
    <Section title={t('accountSessionsHeading')} action={action}>
      {sessions === null ? (
        <p>{t('accountLoading')}</p>
      ) : (
        <div className="table">
          <table cellPadding="0" cellSpacing="0">
            <thead>
              <tr>
                <th scope="col">{t('accountSessionDevice')}</th>
                <th scope="col">{t('accountSessionIP')}</th>
                <th scope="col">{t('accountSessionCreated')}</th>
                <th scope="col">{t('accountSessionActions')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((session) => {
                const current = session.token === currentToken
                return (
                  <tr key={session.id} aria-current={current ? 'true' : undefined}>
                    <td>
                      {describeUserAgent(session.userAgent) ?? t('accountSessionUnknown')}
                      {current && (
                        <>
                          {' '}
                          <Pill pillStyle="success" size="small">
                            {t('accountSessionCurrent')}
                          </Pill>
                        </>
                      )}
                    </td>
                    <td>{session.ipAddress || t('accountSessionUnknown')}</td>
                    <td>{formatDate(session.createdAt, language)}</td>
                    <td>
                      {!current && (
                        <Button
                          buttonStyle="secondary"
                          size="small"
                          margin={false}
                          disabled={action.busy}
                          onClick={() =>
                            action.run(
                              () => revokeSession(baseURL, { token: session.token }),
                              () => {
                                void reload()
                                return t('accountSessionSignedOut')
                              },
                            )
                          }
                        >
                          {t('accountSignOut')}
                        </Button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {others.length > 0 && (
        <div>
          <Button
            buttonStyle="secondary"
            disabled={action.busy}
            onClick={() =>
              action.run(
                () => revokeOtherSessions(baseURL),
                () => {
                  void reload()
                  return t('accountOtherSessionsSignedOut')
                },
              )
            }
          >
            {t('accountSignOutOthers')}
          </Button>
        </div>
      )}
    </Section>
  )
}

function LinkedAccountsSection(props: {
  baseURL: string
  providers: string[]
  accounts: AccountEntry[]
  callbackURL: string
  onChange: () => Promise<void>
}): ReactNode {
  const { baseURL, providers, accounts, callbackURL } = props
  const { t, language } = useT()
  const action = useAction()
  const linked = accounts.filter((account) => account.providerId !== 'credential')
  // Every enabled provider, and any other account still linked (a provider since turned off).
  const rows = [...new Set([...providers, ...linked.map((account) => account.providerId)])].flatMap(
    (provider): { provider: string; account?: AccountEntry }[] => {
      const mine = linked.filter((account) => account.providerId === provider)
      return mine.length > 0 ? mine.map((account) => ({ provider, account })) : [{ provider }]
    },
  )

  return (
    <Section title={t('accountLinkedAccountsHeading')} action={action}>
      <div className="table">
        <table cellPadding="0" cellSpacing="0">
          <thead>
            <tr>
              <th scope="col">{t('accountProvider')}</th>
              <th scope="col">{t('accountLinkedSince')}</th>
              <th scope="col">{t('accountSessionActions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ provider, account }) => (
              <tr key={account?.id ?? provider}>
                <td>{provider}</td>
                <td>{account ? formatDate(account.createdAt, language) : t('accountNotLinked')}</td>
                <td>
                  {account ? (
                    <Button
                      buttonStyle="secondary"
                      size="small"
                      margin={false}
                      disabled={action.busy}
                      onClick={() =>
                        action.run(
                          () => unlinkAccount(baseURL, { accountId: account.id }),
                          () => {
                            void props.onChange()
                            return t('accountUnlinked', { provider })
                          },
                        )
                      }
                    >
                      {t('accountUnlink', { provider })}
                    </Button>
                  ) : (
                    providers.includes(provider) && (
                      <Button
                        buttonStyle="secondary"
                        size="small"
                        margin={false}
                        disabled={action.busy}
                        onClick={() =>
                          action.run(
                            () => linkSocial(baseURL, { provider, callbackURL }),
                            (data) => {
                              if (data.url) window.location.assign(data.url)
                              return null
                            },
                          )
                        }
                      >
                        {t('accountLink', { provider })}
                      </Button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  )
}

// ---------------------------------------------------------------------------------------------
// Building blocks

interface Action {
  busy: boolean
  error: string | null
  notice: string | null
  /** Runs a request; on success `done` returns the notice to show (or null). */
  run: <D>(
    request: () => Promise<BetterAuthResult<D>>,
    done: (data: D) => string | null,
  ) => Promise<void>
  fail: (message: string) => void
  clear: () => void
}

/** One section's pending request and its last outcome. */
function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const fail = useCallback((message: string) => {
    setNotice(null)
    setError(message)
  }, [])
  const clear = useCallback(() => {
    setNotice(null)
    setError(null)
  }, [])
  const run = useCallback(
    async <D,>(request: () => Promise<BetterAuthResult<D>>, done: (data: D) => string | null) => {
      setBusy(true)
      setError(null)
      setNotice(null)
      try {
        const result = await request()
        if (!result.ok) return setError(result.message)
        setNotice(done(result.data))
      } finally {
        setBusy(false)
      }
    },
    [],
  )
  return { busy, error, notice, run, fail, clear }
}

/** A section: a region named by its heading, with its outcome under the heading. */
function Section(props: { title: string; action: Action; children: ReactNode }): ReactNode {
  const headingId = useId()
  const { error, notice } = props.action
  return (
    <section
      aria-labelledby={headingId}
      style={{ display: 'grid', gap: 'var(--base, 20px)', maxWidth: '48rem' }}
    >
      <h2 id={headingId} style={{ margin: 0 }}>
        {props.title}
      </h2>
      {error && <Alert>{error}</Alert>}
      {notice && (
        <div role="status">
          <Banner type="success">{notice}</Banner>
        </div>
      )}
      {props.children}
    </section>
  )
}

function Alert(props: { children: ReactNode }): ReactNode {
  return (
    <div role="alert">
      <Banner type="error">{props.children}</Banner>
    </div>
  )
}

/** A text input in Payload's field markup, so the admin's styles (and themes) apply. */
function Field(props: {
  name: string
  label: string
  type?: 'text' | 'password'
  autoComplete?: string
  inputMode?: 'numeric'
  required?: boolean
  defaultValue?: string
  value?: string
  onChange?: (value: string) => void
}): ReactNode {
  const id = useId()
  const type = props.type ?? 'text'
  return (
    <div className={`field-type ${type}`} style={{ marginBottom: 'var(--base, 20px)' }}>
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <div className="field-type__wrap">
        <input
          id={id}
          name={props.name}
          type={type}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          required={props.required ?? true}
          defaultValue={props.defaultValue}
          value={props.value}
          onChange={props.onChange ? (event) => props.onChange?.(event.target.value) : undefined}
        />
      </div>
    </div>
  )
}

function Checkbox(props: { name: string; label: string }): ReactNode {
  const id = useId()
  return (
    <div
      style={{
        display: 'flex',
        gap: '0.5rem',
        alignItems: 'center',
        marginBottom: 'var(--base, 20px)',
      }}
    >
      <input id={id} name={props.name} type="checkbox" />
      <label htmlFor={id}>{props.label}</label>
    </div>
  )
}

function formatDate(value: string, language: string): string {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  try {
    return date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' })
  } catch {
    return date.toLocaleString()
  }
}
