'use client'

import { type FormEvent, type ReactNode, useState } from 'react'
import { type AuthMethod, findMethod } from '../../shared/methods.ts'
import {
  type BetterAuthResult,
  type SignInResult,
  sendMagicLink,
  signInEmail,
  signInSocial,
  signUpEmail,
  verifyTotp,
} from './betterAuthRequests.ts'

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
}

type Step = 'sign-in' | 'two-factor' | 'magic-link-sent'

/** The admin's sign-in screen, made of the methods Better Auth offers. */
export function BetterAuthLoginForm(props: BetterAuthLoginFormProps): ReactNode {
  const { baseURL, methods, redirectTo, callbackURL, firstUser, error } = props
  const [step, setStep] = useState<Step>('sign-in')
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const has = (name: string) => methods.find((m) => m.method === name)
  const emailAndPassword = has('emailAndPassword')
  const providers = findMethod(methods, 'social')?.options?.providers ?? []

  // Runs one request; on success either finishes (full reload, so Payload reads the new session)
  // or moves to the step the answer asks for.
  const run = async (
    request: () => Promise<BetterAuthResult<SignInResult | object>>,
    next?: Step,
  ) => {
    setBusy(true)
    setMessage(null)
    const result = await request()
    setBusy(false)
    if (!result.ok) return setMessage(result.message)
    const data: SignInResult = result.data
    if (data.url) return window.location.assign(data.url)
    if (data.twoFactorRedirect) return setStep('two-factor')
    if (next) return setStep(next)
    window.location.assign(redirectTo)
  }

  if (error) {
    return (
      <Panel title="Sign in">
        <p role="alert">{error}</p>
        <button
          type="button"
          className={buttonClass('secondary')}
          onClick={() => location.reload()}
        >
          <ButtonLabel>Try again</ButtonLabel>
        </button>
      </Panel>
    )
  }

  if (step === 'magic-link-sent') {
    return (
      <Panel title="Check your email">
        <p>We sent you a sign-in link. Open it in this browser to continue.</p>
      </Panel>
    )
  }

  if (step === 'two-factor') {
    return (
      <Panel title="Two-factor authentication" message={message}>
        <form onSubmit={submit((field) => run(() => verifyTotp(baseURL, { code: field('code') })))}>
          <Field
            name="code"
            label="Code from your authenticator app"
            autoComplete="one-time-code"
          />
          <Submit busy={busy}>Verify</Submit>
        </form>
      </Panel>
    )
  }

  if (firstUser) {
    return (
      <Panel title="Create the first user" message={message}>
        {emailAndPassword ? (
          <form
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
            <Field name="name" label="Name" autoComplete="name" />
            <Field name="email" label="Email" type="email" autoComplete="email" />
            <Field name="password" label="Password" type="password" autoComplete="new-password" />
            <Submit busy={busy}>Create user</Submit>
          </form>
        ) : (
          <p>
            No user exists yet. Sign up through your site; the first user appears here once Better
            Auth has created it.
          </p>
        )}
      </Panel>
    )
  }

  return (
    <Panel title="Sign in" message={message}>
      {emailAndPassword && (
        <form
          aria-label="Sign in with email and password"
          onSubmit={submit((field) =>
            run(() => signInEmail(baseURL, { email: field('email'), password: field('password') })),
          )}
        >
          <Field name="email" label="Email" type="email" autoComplete="email" />
          <Field name="password" label="Password" type="password" autoComplete="current-password" />
          <Submit busy={busy}>Sign in</Submit>
        </form>
      )}
      {has('magicLink') && (
        <form
          aria-label="Sign in with a magic link"
          onSubmit={submit((field) =>
            run(
              () => sendMagicLink(baseURL, { email: field('email'), callbackURL }),
              'magic-link-sent',
            ),
          )}
        >
          <Field name="email" label="Email for a sign-in link" type="email" autoComplete="email" />
          <Submit busy={busy} secondary>
            Email me a sign-in link
          </Submit>
        </form>
      )}
      {providers.map((provider) => (
        <button
          key={provider}
          type="button"
          className={buttonClass('secondary')}
          disabled={busy}
          onClick={() => run(() => signInSocial(baseURL, { provider, callbackURL }))}
        >
          <ButtonLabel>Continue with {provider}</ButtonLabel>
        </button>
      ))}
      {methods.length === 0 && <p>Better Auth reports no sign-in method.</p>}
    </Panel>
  )
}

/** Form submit handler that reads the fields by name. */
function submit(handler: (field: (name: string) => string) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    handler((name) => String(form.get(name) ?? ''))
  }
}

function Panel(props: { title: string; message?: string | null; children: ReactNode }) {
  return (
    <div className="better-auth-login" style={{ display: 'grid', gap: '1.5rem' }}>
      <h1 style={{ margin: 0 }}>{props.title}</h1>
      {props.message && (
        <p role="alert" style={{ color: 'var(--theme-error-500, #c00)', margin: 0 }}>
          {props.message}
        </p>
      )}
      {props.children}
    </div>
  )
}

function Field(props: { name: string; label: string; type?: string; autoComplete?: string }) {
  const id = `better-auth-${props.name}-${props.label.length}`
  return (
    <div className="field-type text" style={{ marginBottom: '1rem' }}>
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        required
      />
    </div>
  )
}

function Submit(props: { busy: boolean; secondary?: boolean; children: ReactNode }) {
  const style = props.secondary ? 'secondary' : 'primary'
  return (
    <button type="submit" className={buttonClass(style)} disabled={props.busy}>
      <ButtonLabel>{props.children}</ButtonLabel>
    </button>
  )
}

// Payload's button markup, so the admin's own styles apply.
const buttonClass = (style: 'primary' | 'secondary') =>
  `btn btn--style-${style} btn--size-large btn--withoutPopup`

function ButtonLabel(props: { children: ReactNode }) {
  return (
    <span className="btn__content">
      <span className="btn__label">{props.children}</span>
    </span>
  )
}
