'use client'

import { Button } from '@payloadcms/ui'
import {
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  WebAuthnAbortService,
} from '@simplewebauthn/browser'
import { type ReactNode, useEffect, useRef, useState } from 'react'
import { type AuthMethod, findMethod } from '../../shared/methods.ts'
import {
  type BetterAuthResult,
  passkeyAuthenticationOptions,
  type SignInResult,
  sendMagicLink,
  sendSignInOTP,
  sendTwoFactorOTP,
  signInEmail,
  signInEmailOTP,
  signInSocial,
  signInUsername,
  signUpEmail,
  verifyBackupCode,
  verifyPasskeyAuthentication,
  verifyTotp,
  verifyTwoFactorOTP,
} from './betterAuthRequests.ts'
import {
  ButtonRow,
  Checkbox,
  EmailForm,
  Field,
  failureMessage,
  Panel,
  submit,
  TryAgainRow,
  useCooldown,
} from './signInParts.tsx'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'

export interface BetterAuthLoginFormProps {
  /** Better Auth's base URL as the browser reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
  /** What Better Auth's `GET /methods` reported. */
  methods: AuthMethod[]
  /** Where to go once signed in (a path in the admin). */
  redirectTo: string
  /** The same, as an absolute URL, for links that come back by email or from a provider. */
  callbackURL: string
  /** No user exists yet: offer to create the first one. */
  firstUser: boolean
  /** Why the methods could not be read, when they could not. */
  error?: string
  /** The admin's forgot-password view, when Better Auth can send reset emails. */
  forgotURL?: string
  /** Back from the reset view: the password was changed. */
  passwordChanged?: boolean
}

type Factor = 'totp' | 'otp' | 'backupCode'
type Step =
  | { name: 'sign-in' }
  | { name: 'magic-link-sent' }
  | { name: 'email-otp'; email: string }
  | { name: 'two-factor'; factors: Factor[]; factor: Factor }

/** Seconds before another email code may be asked for. */
const RESEND_COOLDOWN_S = 30

/** The admin's sign-in screen, made of the methods Better Auth offers (and only those). */
export function BetterAuthLoginForm(props: BetterAuthLoginFormProps): ReactNode {
  const { baseURL, methods, redirectTo, callbackURL, firstUser, error, forgotURL } = props
  const t = useBetterAuthTranslation()
  const [step, setStep] = useState<Step>({ name: 'sign-in' })
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const cooldown = useCooldown()

  const emailAndPassword = findMethod(methods, 'emailAndPassword')
  const username = Boolean(findMethod(methods, 'username'))
  const magicLink = Boolean(findMethod(methods, 'magicLink'))
  const emailOTP = Boolean(findMethod(methods, 'emailOTP'))
  const passkey = Boolean(findMethod(methods, 'passkey'))
  const social = findMethod(methods, 'social')?.options
  const twoFactor = findMethod(methods, 'twoFactor')?.options
  const providers = [...(social?.providers ?? []), ...(social?.genericOAuth ?? [])]
  // Browser autofill offers passkeys in the first email field of the page.
  const autofillField = emailAndPassword
    ? 'password'
    : magicLink
      ? 'magicLink'
      : emailOTP
        ? 'emailOTP'
        : null

  const fail = (result: BetterAuthResult<unknown> & { ok: false }) =>
    setMessage(failureMessage(t, result))

  /** Sends the second-factor email code and starts the resend countdown. */
  const sendFactorCode = async () => {
    const sent = await sendTwoFactorOTP(baseURL)
    if (!sent.ok) return fail(sent)
    cooldown.start(RESEND_COOLDOWN_S)
  }

  // Runs one request; on success either finishes (full load, so Payload reads the new session) or
  // moves to the step the answer asks for. A failure leaves the form as it was, with a message.
  const run = async (
    request: () => Promise<BetterAuthResult<SignInResult | object>>,
    next?: Step,
  ) => {
    setBusy(true)
    setMessage(null)
    const result = await request()
    setBusy(false)
    if (!result.ok) return fail(result)
    const data: SignInResult = result.data
    if (data.url) return window.location.assign(data.url)
    if (data.twoFactorRedirect) return startTwoFactor(data.twoFactorMethods)
    if (next) return setStep(next)
    window.location.assign(redirectTo)
  }

  const startTwoFactor = (offered: string[] | undefined) => {
    // The account's own factors when Better Auth names them; else what the server has on.
    const factors: Factor[] = []
    if (offered ? offered.includes('totp') : twoFactor?.totp !== false) factors.push('totp')
    if (offered ? offered.includes('otp') : twoFactor?.otp) factors.push('otp')
    factors.push('backupCode')
    const factor = factors[0] as Factor
    setStep({ name: 'two-factor', factors, factor })
    if (factor === 'otp') void sendFactorCode()
  }

  const chooseFactor = (factor: Factor) => {
    if (step.name !== 'two-factor') return
    setMessage(null)
    setStep({ ...step, factor })
    if (factor === 'otp' && cooldown.remaining === 0) void sendFactorCode()
  }

  // Passkeys offered by the browser's autofill (conditional mediation), while the form is shown.
  const runLatest = useRef(run)
  runLatest.current = run
  const autofill = passkey && step.name === 'sign-in' && !firstUser && !error
  useEffect(() => {
    if (!autofill) return
    let active = true
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill())) return
      const options =
        await passkeyAuthenticationOptions<PublicKeyCredentialRequestOptionsJSON>(baseURL)
      if (!active || !options.ok) return
      let response: object
      try {
        response = await startAuthentication({
          optionsJSON: options.data,
          useBrowserAutofill: true,
        })
      } catch {
        return // cancelled, or replaced by the passkey button's ceremony
      }
      await runLatest.current(() => verifyPasskeyAuthentication(baseURL, { response }))
    })()
    return () => {
      active = false
      WebAuthnAbortService.cancelCeremony()
    }
  }, [autofill, baseURL])

  const signInWithPasskey = async () => {
    setBusy(true)
    setMessage(null)
    const options =
      await passkeyAuthenticationOptions<PublicKeyCredentialRequestOptionsJSON>(baseURL)
    if (!options.ok) {
      setBusy(false)
      return fail(options)
    }
    let response: object
    try {
      response = await startAuthentication({ optionsJSON: options.data })
    } catch {
      setBusy(false)
      return setMessage(t('passkeyFailed'))
    }
    await run(() => verifyPasskeyAuthentication(baseURL, { response }))
  }

  const backToSignIn = (
    <ButtonRow>
      <Button
        type="button"
        buttonStyle="secondary"
        size="large"
        onClick={() => {
          setMessage(null)
          setStep({ name: 'sign-in' })
        }}
      >
        {t('useAnotherMethod')}
      </Button>
    </ButtonRow>
  )

  if (error) {
    return (
      <Panel title={t('signIn')}>
        <p role="alert">{error}</p>
        <TryAgainRow label={t('tryAgain')} />
      </Panel>
    )
  }

  if (step.name === 'magic-link-sent') {
    return (
      <Panel title={t('checkYourEmail')}>
        <p>{t('magicLinkSent')}</p>
        {backToSignIn}
      </Panel>
    )
  }

  if (step.name === 'email-otp') {
    const resend = async () => {
      setMessage(null)
      const sent = await sendSignInOTP(baseURL, { email: step.email })
      if (!sent.ok) return fail(sent)
      cooldown.start(RESEND_COOLDOWN_S)
    }
    return (
      <Panel title={t('checkYourEmail')} message={message}>
        <p>{t('emailOTPSent', { email: step.email })}</p>
        <form
          aria-label={t('emailOTPCodeFormLabel')}
          onSubmit={submit((field) =>
            run(() => signInEmailOTP(baseURL, { email: step.email, otp: field('otp') })),
          )}
        >
          <Field
            name="otp"
            label={t('emailCode')}
            autoComplete="one-time-code"
            inputMode="numeric"
          />
          <ButtonRow>
            <Button type="submit" buttonStyle="primary" size="large" disabled={busy}>
              {t('signIn')}
            </Button>
            <ResendButton remaining={cooldown.remaining} onClick={resend} />
          </ButtonRow>
        </form>
        {backToSignIn}
      </Panel>
    )
  }

  if (step.name === 'two-factor') {
    const { factor, factors } = step
    const verify = {
      totp: verifyTotp,
      otp: verifyTwoFactorOTP,
      backupCode: verifyBackupCode,
    }[factor]
    const formLabel = {
      totp: t('totpFormLabel'),
      otp: t('twoFactorEmailFormLabel'),
      backupCode: t('backupCodeFormLabel'),
    }[factor]
    const codeLabel = {
      totp: t('totpCode'),
      otp: t('emailCode'),
      backupCode: t('backupCode'),
    }[factor]
    const switchLabel = {
      totp: t('useTotp'),
      otp: t('useEmailCode'),
      backupCode: t('useBackupCode'),
    }
    return (
      <Panel title={t('twoFactorTitle')} message={message}>
        <form
          key={factor}
          aria-label={formLabel}
          onSubmit={submit((field, checked) =>
            run(() =>
              verify(baseURL, { code: field('code'), trustDevice: checked('trustDevice') }),
            ),
          )}
        >
          <Field
            name="code"
            label={codeLabel}
            autoComplete={factor === 'backupCode' ? 'off' : 'one-time-code'}
            inputMode={factor === 'backupCode' ? 'text' : 'numeric'}
          />
          <Checkbox name="trustDevice" label={t('trustDevice')} />
          <ButtonRow>
            <Button type="submit" buttonStyle="primary" size="large" disabled={busy}>
              {t('verify')}
            </Button>
            {factor === 'otp' && (
              <ResendButton remaining={cooldown.remaining} onClick={sendFactorCode} />
            )}
          </ButtonRow>
        </form>
        <ButtonRow>
          {factors
            .filter((other) => other !== factor)
            .map((other) => (
              <Button
                key={other}
                type="button"
                buttonStyle="secondary"
                size="large"
                disabled={busy}
                onClick={() => chooseFactor(other)}
              >
                {switchLabel[other]}
              </Button>
            ))}
        </ButtonRow>
      </Panel>
    )
  }

  if (firstUser) {
    return (
      <Panel title={t('firstUserTitle')} message={message}>
        {emailAndPassword ? (
          <form
            aria-label={t('firstUserFormLabel')}
            onSubmit={submit((field) =>
              run(() =>
                signUpEmail(baseURL, {
                  name: field('name'),
                  email: field('email'),
                  password: field('password'),
                }),
              ),
            )}
          >
            <Field name="name" label={t('name')} autoComplete="name" />
            <Field name="email" label={t('email')} type="email" autoComplete="email" />
            <Field
              name="password"
              label={t('password')}
              type="password"
              autoComplete="new-password"
              minLength={emailAndPassword.options?.minPasswordLength}
            />
            <ButtonRow>
              <Button type="submit" buttonStyle="primary" size="large" disabled={busy}>
                {t('createUser')}
              </Button>
            </ButtonRow>
          </form>
        ) : (
          <p>{t('firstUserElsewhere')}</p>
        )}
      </Panel>
    )
  }

  const webauthn = (field: string, base: string) =>
    passkey && autofillField === field ? `${base} webauthn` : base

  return (
    <Panel
      title={t('signIn')}
      message={message}
      notice={props.passwordChanged ? t('passwordChanged') : undefined}
    >
      {emailAndPassword && (
        <form
          aria-label={t('passwordFormLabel')}
          onSubmit={submit((field) => {
            const login = field('email').trim()
            const password = field('password')
            return run(() =>
              username && !login.includes('@')
                ? signInUsername(baseURL, { username: login, password })
                : signInEmail(baseURL, { email: login, password }),
            )
          })}
        >
          <Field
            name="email"
            label={username ? t('emailOrUsername') : t('email')}
            type={username ? 'text' : 'email'}
            autoComplete={webauthn('password', username ? 'username' : 'email')}
          />
          <Field
            name="password"
            label={t('password')}
            type="password"
            autoComplete="current-password"
          />
          {forgotURL && (
            <p style={{ margin: 'calc(var(--base) * -0.25) 0 var(--base)' }}>
              <a href={forgotURL}>{t('forgotPasswordLink')}</a>
            </p>
          )}
          <ButtonRow>
            <Button type="submit" buttonStyle="primary" size="large" disabled={busy}>
              {t('signIn')}
            </Button>
          </ButtonRow>
        </form>
      )}
      {passkey && (
        <ButtonRow>
          <Button
            type="button"
            buttonStyle={emailAndPassword ? 'secondary' : 'primary'}
            size="large"
            disabled={busy}
            onClick={signInWithPasskey}
          >
            {t('passkeySignIn')}
          </Button>
        </ButtonRow>
      )}
      {magicLink && (
        <EmailForm
          formLabel={t('magicLinkFormLabel')}
          fieldLabel={t('magicLinkEmail')}
          autoComplete={webauthn('magicLink', 'email')}
          buttonLabel={t('magicLinkSend')}
          busy={busy}
          onSubmit={submit((field) =>
            run(() => sendMagicLink(baseURL, { email: field('email'), callbackURL }), {
              name: 'magic-link-sent',
            }),
          )}
        />
      )}
      {emailOTP && (
        <EmailForm
          formLabel={t('emailOTPFormLabel')}
          fieldLabel={t('emailOTPEmail')}
          autoComplete={webauthn('emailOTP', 'email')}
          buttonLabel={t('emailOTPSend')}
          busy={busy}
          onSubmit={submit((field) => {
            const email = field('email').trim()
            return run(
              async () => {
                const sent = await sendSignInOTP(baseURL, { email })
                if (sent.ok) cooldown.start(RESEND_COOLDOWN_S)
                return sent
              },
              { name: 'email-otp', email },
            )
          })}
        />
      )}
      {providers.length > 0 && (
        <ButtonRow>
          {providers.map((provider) => (
            <Button
              key={provider}
              type="button"
              buttonStyle="secondary"
              size="large"
              disabled={busy}
              onClick={() => run(() => signInSocial(baseURL, { provider, callbackURL }))}
            >
              {t('continueWith', { provider: providerName(provider, social?.names) })}
            </Button>
          ))}
        </ButtonRow>
      )}
      {methods.length === 0 && <p>{t('noSignInMethod')}</p>}
    </Panel>
  )
}

/** "Send a new code", disabled with its countdown for a while after each send. */
function ResendButton(props: { remaining: number; onClick: () => void }) {
  const t = useBetterAuthTranslation()
  return (
    <Button
      type="button"
      buttonStyle="secondary"
      size="large"
      disabled={props.remaining > 0}
      onClick={props.onClick}
    >
      {props.remaining > 0 ? t('resendCodeIn', { seconds: props.remaining }) : t('resendCode')}
    </Button>
  )
}

// Display names of Better Auth's social providers whose id is not the name capitalised.
const PROVIDER_NAMES: Record<string, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  linkedin: 'LinkedIn',
  paypal: 'PayPal',
  tiktok: 'TikTok',
  huggingface: 'Hugging Face',
  vk: 'VK',
  microsoft: 'Microsoft',
  paybin: 'Paybin',
}

/** A provider's display name: the generic-OAuth config's `name`, a known name, or the id. */
export function providerName(id: string, names?: Record<string, string>): string {
  return names?.[id] ?? PROVIDER_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1)
}
