'use client'

import { toast } from '@payloadcms/ui'
import { type ReactNode, useState } from 'react'
import type { ManageResult } from '../manageRequests.ts'
import type { BetterAuthTranslationKey } from '../translations.ts'
import type { Translate } from './parts.tsx'

/** Runs an action: one at a time, its outcome shown inline (and as a toast), the user re-read. */
export type Run = (
  action: () => Promise<ManageResult<unknown>>,
  success: BetterAuthTranslationKey | null,
  then?: () => void,
) => Promise<boolean>

/** The controls, run one at a time, with the last outcome above them. */
export function Actions(props: {
  t: Translate
  /** The user's email, for the messages that name it. */
  email: string
  refresh: () => Promise<void>
  children: (run: Run) => ReactNode
}): ReactNode {
  const { t, refresh } = props
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const run: Run = async (action, success, then) => {
    setBusy(true)
    setOutcome(null)
    const result = await action()
    setBusy(false)
    if (!result.ok) {
      const text =
        result.message === null
          ? t('betterAuthDown')
          : t('manageActionRefused', { message: result.message })
      setOutcome({ ok: false, text })
      toast.error(text)
      return false
    }
    if (then) {
      then()
      return true
    }
    const text = success ? t(success, { email: props.email }) : ''
    setOutcome({ ok: true, text })
    if (text) toast.success(text)
    await refresh()
    return true
  }
  return (
    <fieldset
      disabled={busy}
      aria-busy={busy}
      style={{ border: 0, padding: 0, margin: 0, display: 'grid', gap: '1rem' }}
    >
      {outcome && (
        <p
          role={outcome.ok ? 'status' : 'alert'}
          style={{
            margin: 0,
            color: outcome.ok ? 'var(--theme-success-500)' : 'var(--theme-error-500)',
          }}
        >
          {outcome.text}
        </p>
      )}
      {props.children(run)}
    </fieldset>
  )
}
