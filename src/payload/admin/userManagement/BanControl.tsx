'use client'

import { Banner, Button } from '@payloadcms/ui'
import { type ReactNode, useId, useState } from 'react'
import type { ManagedUser } from '../manageRequests.ts'
import { inputStyle, Label, stopEnter, type Translate } from './parts.tsx'

/** Ban (with a reason and a duration) or unban the user. */
export function BanControl(props: {
  target: ManagedUser | null
  t: Translate
  onBan: (ban: { banReason?: string; banExpiresIn?: number }) => void
  onUnban: () => void
}): ReactNode {
  const { target, t } = props
  const [reason, setReason] = useState('')
  const [duration, setDuration] = useState('')
  const [unit, setUnit] = useState<'days' | 'hours'>('days')
  const ids = { reason: useId(), duration: useId(), unit: useId() }
  const banned = target?.banned === true
  const known = target !== null
  const seconds = Number(duration) * (unit === 'days' ? 86_400 : 3_600)
  return (
    <div style={{ display: 'grid', gap: '0.5rem' }}>
      {banned && (
        <Banner type="error">
          {t('manageBannedStatus', { reason: target?.banReason ?? '' })}{' '}
          {target?.banExpires
            ? t('manageBannedUntil', { date: new Date(target.banExpires).toLocaleString() })
            : null}
        </Banner>
      )}
      {(!banned || !known) && (
        <>
          <div>
            <Label htmlFor={ids.reason}>{t('manageBanReason')}</Label>
            <input
              id={ids.reason}
              type="text"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              onKeyDown={stopEnter}
              style={inputStyle}
            />
          </div>
          <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'end' }}>
            <div>
              <Label htmlFor={ids.duration}>{t('manageBanDuration')}</Label>
              <input
                id={ids.duration}
                type="number"
                min={1}
                step={1}
                value={duration}
                onChange={(event) => setDuration(event.target.value)}
                onKeyDown={stopEnter}
                style={{ ...inputStyle, width: '6rem' }}
              />
            </div>
            <div>
              <Label htmlFor={ids.unit}>{t('manageBanDurationUnit')}</Label>
              <select
                id={ids.unit}
                value={unit}
                onChange={(event) => setUnit(event.target.value === 'hours' ? 'hours' : 'days')}
                style={inputStyle}
              >
                <option value="days">{t('manageBanDays')}</option>
                <option value="hours">{t('manageBanHours')}</option>
              </select>
            </div>
          </div>
          <p style={{ margin: 0, opacity: 0.7 }}>{t('manageBanDurationHint')}</p>
          <Button
            buttonStyle="error"
            size="small"
            margin={false}
            onClick={() =>
              props.onBan({
                ...(reason.trim() ? { banReason: reason.trim() } : {}),
                ...(seconds > 0 ? { banExpiresIn: Math.round(seconds) } : {}),
              })
            }
          >
            {t('manageBanUser')}
          </Button>
        </>
      )}
      {(banned || !known) && (
        <Button buttonStyle="secondary" size="small" margin={false} onClick={props.onUnban}>
          {t('manageUnbanUser')}
        </Button>
      )}
    </div>
  )
}
