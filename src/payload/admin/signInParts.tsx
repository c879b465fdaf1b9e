// The pieces the sign-in, forgot and reset views share: Payload's field and button markup (so the
// admin's own styles, light and dark, apply), a form reader, failure messages and a countdown.

import { Button } from '@payloadcms/ui'
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react'
import type { BetterAuthResult } from './betterAuthRequests.ts'
import type { BetterAuthT } from './i18n.ts'

/** What to show when a request failed: our words when Better Auth did not answer, else its own. */
export function failureMessage(
  t: BetterAuthT,
  result: BetterAuthResult<unknown> & { ok: false },
): string {
  if (result.unreachable) return t('betterAuthDown')
  return result.message || t('requestFailed', { status: result.status ?? '?' })
}

/** Form submit handler that reads the fields (and checkboxes) by name. */
export function submit(
  handler: (field: (name: string) => string, checked: (name: string) => boolean) => unknown,
) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    void handler(
      (name) => String(form.get(name) ?? ''),
      (name) => form.get(name) !== null,
    )
  }
}

export function Panel(props: {
  title: string
  message?: string | null
  notice?: string
  children: ReactNode
}) {
  return (
    <div className="better-auth-login" style={{ display: 'grid', gap: 'calc(var(--base) * 1.5)' }}>
      <h1 style={{ margin: 0 }}>{props.title}</h1>
      {props.notice && (
        <p role="status" style={{ color: 'var(--theme-success-500)', margin: 0 }}>
          {props.notice}
        </p>
      )}
      {props.message && (
        <p role="alert" style={{ color: 'var(--theme-error-500)', margin: 0 }}>
          {props.message}
        </p>
      )}
      {props.children}
    </div>
  )
}

/** A text input in Payload's field markup, labelled. */
export function Field(props: {
  name: string
  label: string
  type?: string
  autoComplete?: string
  inputMode?: 'numeric' | 'text'
  minLength?: number
  required?: boolean
}) {
  const id = `better-auth-${props.name}-${useId().replace(/:/g, '')}`
  return (
    <div
      className={`field-type ${props.type === 'email' ? 'email' : props.type === 'password' ? 'password' : 'text'}`}
      style={{ marginBottom: 'var(--base)' }}
    >
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <div className="field-type__wrap">
        <input
          id={id}
          name={props.name}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          minLength={props.minLength}
          required={props.required ?? true}
        />
      </div>
    </div>
  )
}

/** A checkbox in Payload's checkbox markup, labelled. */
export function Checkbox(props: { name: string; label: string }) {
  const id = `better-auth-${props.name}-${useId().replace(/:/g, '')}`
  return (
    <div className="field-type checkbox" style={{ marginBottom: 'var(--base)' }}>
      <div className="checkbox-input" style={{ display: 'flex', gap: 'calc(var(--base) / 2)' }}>
        <input id={id} name={props.name} type="checkbox" />
        <label className="field-label" htmlFor={id} style={{ margin: 0 }}>
          {props.label}
        </label>
      </div>
    </div>
  )
}

/** Buttons side by side, wrapping. */
export function ButtonRow(props: { children: ReactNode }) {
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 'calc(var(--base) / 2)' }}>
      {props.children}
    </div>
  )
}

/** A form of one email field and its (secondary) submit button. */
export function EmailForm(props: {
  formLabel: string
  fieldLabel: string
  autoComplete: string
  buttonLabel: string
  busy: boolean
  onSubmit: (event: FormEvent<HTMLFormElement>) => void
}) {
  return (
    <form aria-label={props.formLabel} onSubmit={props.onSubmit}>
      <Field name="email" label={props.fieldLabel} type="email" autoComplete={props.autoComplete} />
      <ButtonRow>
        <Button type="submit" buttonStyle="secondary" size="large" disabled={props.busy}>
          {props.buttonLabel}
        </Button>
      </ButtonRow>
    </form>
  )
}

/** After a failure: a button that reloads the page, to try again. */
export function TryAgainRow(props: { label: string }) {
  return (
    <ButtonRow>
      <Button type="button" buttonStyle="secondary" size="large" onClick={() => location.reload()}>
        {props.label}
      </Button>
    </ButtonRow>
  )
}

/** Seconds left before an action may run again; `start(s)` begins a new wait. */
export function useCooldown() {
  const [until, setUntil] = useState(0)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (until <= now) return
    const timer = setTimeout(() => setNow(Date.now()), 250)
    return () => clearTimeout(timer)
  }, [until, now])
  return {
    remaining: Math.max(0, Math.ceil((until - now) / 1000)),
    start: (seconds: number) => {
      const start = Date.now()
      setNow(start)
      setUntil(start + seconds * 1000)
    },
  }
}
