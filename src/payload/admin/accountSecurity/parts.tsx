'use client'

// The pieces the account security sections share: the section frame with its outcome, messages,
// Payload's field markup and the request state a section keeps.

import { Banner, Button, useTranslation } from '@payloadcms/ui'
import { type ReactNode, useCallback, useId, useState } from 'react'
import type { BetterAuthResult } from '../betterAuthRequests.ts'
import type { BetterAuthT } from '../i18n.ts'
import { useBetterAuthTranslation } from '../useBetterAuthTranslation.ts'

/** Our strings, and the admin's language for dates. */
export function useT(): { t: BetterAuthT; language: string } {
  const t = useBetterAuthTranslation()
  const { i18n } = useTranslation()
  return { t, language: i18n.language }
}

export interface Action {
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
export function useAction(): Action {
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
export function Section(props: { title: string; action: Action; children: ReactNode }): ReactNode {
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

export function Alert(props: { children: ReactNode }): ReactNode {
  return (
    <div role="alert">
      <Banner type="error">{props.children}</Banner>
    </div>
  )
}

/** A text input in Payload's field markup, so the admin's styles (and themes) apply. */
export function Field(props: {
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

export function Checkbox(props: { name: string; label: string }): ReactNode {
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

export function formatDate(value: string, language: string): string {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  try {
    return date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' })
  } catch {
    return date.toLocaleString()
  }
}

/** A table in Payload's list markup: a column heading each, then the rows. */
export function Table(props: { columns: string[]; children: ReactNode }): ReactNode {
  return (
    <div className="table">
      <table cellPadding="0" cellSpacing="0">
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  )
}

/** A row's action: a small secondary button, disabled while the section's request runs. */
export function RowButton(props: {
  action: Action
  onClick: () => void
  children: ReactNode
}): ReactNode {
  return (
    <Button
      buttonStyle="secondary"
      size="small"
      margin={false}
      disabled={props.action.busy}
      onClick={props.onClick}
    >
      {props.children}
    </Button>
  )
}

/** A section's action on a line of its own: a secondary button, disabled while a request runs. */
export function SectionButton(props: {
  action: Action
  onClick: () => void
  children: ReactNode
}): ReactNode {
  return (
    <div>
      <Button buttonStyle="secondary" disabled={props.action.busy} onClick={props.onClick}>
        {props.children}
      </Button>
    </div>
  )
}
