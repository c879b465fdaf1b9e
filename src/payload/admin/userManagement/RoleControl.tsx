'use client'

import { Button } from '@payloadcms/ui'
import { type ReactNode, useEffect, useId, useState } from 'react'
import { inputStyle, Label, type Translate } from './parts.tsx'

/** The user's role: one of the admin plugin's roles. */
export function RoleControl(props: {
  roles: string[]
  current: string | null
  t: Translate
  onSave: (role: string) => void
}): ReactNode {
  const { roles, current, t } = props
  const [role, setRoleValue] = useState(current ?? roles[0] ?? '')
  useEffect(() => {
    if (current) setRoleValue(current)
  }, [current])
  const id = useId()
  // A comma list (several roles) that is not one of the choices is kept as a choice of its own.
  const choices = current && !roles.includes(current) ? [current, ...roles] : roles
  return (
    <div>
      <Label htmlFor={id}>{props.t('manageRole')}</Label>
      <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
        <select
          id={id}
          value={role}
          onChange={(event) => setRoleValue(event.target.value)}
          style={inputStyle}
        >
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
        <Button
          buttonStyle="secondary"
          size="small"
          margin={false}
          disabled={!role}
          onClick={() => props.onSave(role)}
        >
          {t('manageSaveRole')}
        </Button>
      </div>
    </div>
  )
}
