'use client'

import { Button } from '@payloadcms/ui'
import { type ReactNode, useState } from 'react'
import {
  listUserSessions,
  type ManagedSession,
  revokeUserSession,
  revokeUserSessions,
} from '../manageRequests.ts'
import type { Run } from './Actions.tsx'
import type { Translate } from './parts.tsx'

/** The user's sessions: list them, revoke one or all. */
export function SessionsControl(props: {
  baseURL: string
  userId: string
  canList: boolean
  canRevoke: boolean
  t: Translate
  run: Run
}): ReactNode {
  const { baseURL, userId, canList, canRevoke, t, run } = props
  const [sessions, setSessions] = useState<ManagedSession[] | null>(null)
  const load = () =>
    run(async () => {
      const result = await listUserSessions(baseURL, userId)
      if (result.ok) setSessions(result.data.sessions)
      return result
    }, null)
  return (
    <div style={{ display: 'grid', gap: '0.5rem' }}>
      <h4 style={{ margin: 0 }}>{t('manageSessions')}</h4>
      {canList && (
        <Button buttonStyle="secondary" size="small" margin={false} onClick={load}>
          {t('manageShowSessions')}
        </Button>
      )}
      {sessions && sessions.length === 0 && <p style={{ margin: 0 }}>{t('manageNoSessions')}</p>}
      {sessions && sessions.length > 0 && (
        <ul
          aria-label={t('manageSessions')}
          style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}
        >
          {sessions.map((session) => (
            <li
              key={session.id}
              style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' }}
            >
              <span>
                {t('manageSessionSummary', {
                  date: new Date(session.createdAt).toLocaleString(),
                  ip: session.ipAddress || '?',
                })}{' '}
                {session.impersonatedBy ? t('manageSessionImpersonation') : null}
                {session.userAgent ? (
                  <small style={{ display: 'block', opacity: 0.7 }}>{session.userAgent}</small>
                ) : null}
              </span>
              {canRevoke && (
                <Button
                  buttonStyle="secondary"
                  size="xsmall"
                  margin={false}
                  onClick={async () => {
                    const done = await run(
                      () => revokeUserSession(baseURL, session.token),
                      'manageSessionRevoked',
                    )
                    if (done) setSessions((now) => now?.filter((s) => s.id !== session.id) ?? null)
                  }}
                >
                  {t('manageRevokeSession')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canRevoke && (
        <Button
          buttonStyle="secondary"
          size="small"
          margin={false}
          onClick={async () => {
            if (await run(() => revokeUserSessions(baseURL, userId), 'manageSessionsRevoked')) {
              setSessions((now) => (now ? [] : now))
            }
          }}
        >
          {t('manageRevokeAllSessions')}
        </Button>
      )}
    </div>
  )
}
