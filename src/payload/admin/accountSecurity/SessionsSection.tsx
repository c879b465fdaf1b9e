'use client'

import { Pill } from '@payloadcms/ui'
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react'
import {
  listSessions,
  revokeOtherSessions,
  revokeSession,
  type SessionEntry,
} from '../accountRequests.ts'
import { describeUserAgent } from '../accountSecurityLogic.ts'
import { formatDate, RowButton, Section, SectionButton, Table, useAction, useT } from './parts.tsx'

/** The user's sessions, the current one first: sign out one, or all the others. */
export function SessionsSection(props: { baseURL: string; currentToken: string }): ReactNode {
  const { baseURL, currentToken } = props
  const { t, language } = useT()
  const action = useAction()
  const [sessions, setSessions] = useState<SessionEntry[] | null>(null)

  const reload = useCallback(async () => {
    const result = await listSessions(baseURL)
    if (result.ok) setSessions(result.data)
    else action.fail(result.message)
  }, [baseURL, action.fail])
  useEffect(() => {
    void reload()
  }, [reload])

  const sorted = useMemo(
    () =>
      [...(sessions ?? [])].sort(
        (a, b) =>
          Number(b.token === currentToken) - Number(a.token === currentToken) ||
          Date.parse(b.createdAt) - Date.parse(a.createdAt),
      ),
    [sessions, currentToken],
  )
  const others = sorted.filter((session) => session.token !== currentToken)

  return (
    <Section title={t('accountSessionsHeading')} action={action}>
      {sessions === null ? (
        <p>{t('accountLoading')}</p>
      ) : (
        <Table
          columns={[
            t('accountSessionDevice'),
            t('accountSessionIP'),
            t('accountSessionCreated'),
            t('accountSessionActions'),
          ]}
        >
          {sorted.map((session) => {
            const current = session.token === currentToken
            return (
              <tr key={session.id} aria-current={current ? 'true' : undefined}>
                <td>
                  {describeUserAgent(session.userAgent) ?? t('accountSessionUnknown')}
                  {current && (
                    <>
                      {' '}
                      <Pill pillStyle="success" size="small">
                        {t('accountSessionCurrent')}
                      </Pill>
                    </>
                  )}
                </td>
                <td>{session.ipAddress || t('accountSessionUnknown')}</td>
                <td>{formatDate(session.createdAt, language)}</td>
                <td>
                  {!current && (
                    <RowButton
                      action={action}
                      onClick={() =>
                        action.run(
                          () => revokeSession(baseURL, { token: session.token }),
                          () => {
                            void reload()
                            return t('accountSessionSignedOut')
                          },
                        )
                      }
                    >
                      {t('accountSignOut')}
                    </RowButton>
                  )}
                </td>
              </tr>
            )
          })}
        </Table>
      )}
      {others.length > 0 && (
        <SectionButton
          action={action}
          onClick={() =>
            action.run(
              () => revokeOtherSessions(baseURL),
              () => {
                void reload()
                return t('accountOtherSessionsSignedOut')
              },
            )
          }
        >
          {t('accountSignOutOthers')}
        </SectionButton>
      )}
    </Section>
  )
}
