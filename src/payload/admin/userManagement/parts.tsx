'use client'

// The pieces the user management controls share: the section frame, labels and input styles.

import type { ReactNode } from 'react'
import type { BetterAuthT } from '../i18n.ts'

export type Translate = BetterAuthT

/** The management panel: a region named by its title. */
export function Section(props: { title: string; children: ReactNode }): ReactNode {
  return (
    <section
      aria-label={props.title}
      className="better-auth-manage"
      style={{ display: 'grid', gap: '1rem', marginBottom: 'var(--base, 1.5rem)' }}
    >
      <h3 style={{ margin: 0 }}>{props.title}</h3>
      {props.children}
    </section>
  )
}

export function Label(props: { htmlFor: string; children: ReactNode }): ReactNode {
  return (
    <label className="field-label" htmlFor={props.htmlFor}>
      {props.children}
    </label>
  )
}

// Payload's own input colours, so the controls follow the light and dark themes.
export const inputStyle = {
  background: 'var(--theme-input-bg)',
  color: 'var(--theme-elevation-800)',
  border: '1px solid var(--theme-elevation-150)',
  borderRadius: 'var(--style-radius-s, 3px)',
  padding: '0.5rem 0.75rem',
  font: 'inherit',
  minHeight: '2.5rem',
}

/** Enter in these inputs must not submit the document's form around them. */
export function stopEnter(event: { key: string; preventDefault(): void }) {
  if (event.key === 'Enter') event.preventDefault()
}
