'use client'

import { Button } from '@payloadcms/ui'
import { type ReactNode, useId, useState } from 'react'
import { inputStyle, Label, stopEnter, type Translate } from './parts.tsx'

/** Set the user's password, or send them a reset link. */
export function PasswordControl(props: {
  minLength: number
  canSet: boolean
  canSendLink: boolean
  email: string
  t: Translate
  onSet: (password: string) => Promise<boolean>
  onSendLink: () => void
}): ReactNode {
  const { t } = props
  const [password, setPassword] = useState('')
  const id = useId()
  return (
    <div style={{ display: 'grid', gap: '0.5rem' }}>
      <h4 style={{ margin: 0 }}>{t('managePassword')}</h4>
      {props.canSet && (
        <div>
          <Label htmlFor={id}>{t('manageNewPassword')}</Label>
          <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              minLength={props.minLength}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              onKeyDown={stopEnter}
              style={inputStyle}
            />
            <Button
              buttonStyle="secondary"
              size="small"
              margin={false}
              disabled={password.length === 0}
              onClick={async () => {
                if (await props.onSet(password)) setPassword('')
              }}
            >
              {t('manageSetPassword')}
            </Button>
          </div>
        </div>
      )}
      {props.canSendLink && (
        <Button buttonStyle="secondary" size="small" margin={false} onClick={props.onSendLink}>
          {t('manageSendResetLink')}
        </Button>
      )}
    </div>
  )
}
