'use client'

import type { FormEvent, ReactNode } from 'react'
import { useState } from 'react'

/** A form that hands its fields to `onSubmit` and shows the error that comes back, if any. */
export function Form(props: {
  label: string
  submit: string
  onSubmit: (field: (name: string) => string) => Promise<string | null | undefined>
  children: ReactNode
}) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const handle = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    setBusy(true)
    setError(null)
    const failure = await props.onSubmit((name) => String(data.get(name) ?? ''))
    setBusy(false)
    if (failure) setError(failure)
  }
  return (
    <form aria-label={props.label} onSubmit={handle}>
      {props.children}
      {error && <p role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        {props.submit}
      </button>
    </form>
  )
}

export function Input(props: {
  name: string
  label: string
  type?: string
  autoComplete?: string
}) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        required
      />
    </label>
  )
}
