'use client'

import { Button } from '@payloadcms/ui'
import { type ReactNode, useId } from 'react'
import { backupCodesText } from '../accountSecurityLogic.ts'
import { useT } from './parts.tsx'

/** Fresh backup codes, shown once, with a download. */
export function BackupCodes(props: {
  codes: string[]
  account: string
  onDone: () => void
}): ReactNode {
  const { t } = useT()
  const headingId = useId()
  const download = () => {
    const text = backupCodesText(props.codes, { account: props.account })
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = 'backup-codes.txt'
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1_000)
  }
  return (
    <div style={{ display: 'grid', gap: 'calc(var(--base, 20px) / 2)' }}>
      <h3 id={headingId} style={{ margin: 0 }}>
        {t('accountBackupCodesHeading')}
      </h3>
      <p style={{ margin: 0 }}>{t('accountBackupCodesNote')}</p>
      <ul
        aria-label={t('accountBackupCodesList')}
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(10rem, 1fr))',
          gap: '0.25rem 1rem',
          listStyle: 'none',
          padding: 0,
          margin: 0,
          fontFamily: 'var(--font-mono, monospace)',
        }}
      >
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div style={{ display: 'flex', gap: 'calc(var(--base, 20px) / 2)' }}>
        <Button buttonStyle="secondary" onClick={download}>
          {t('accountDownloadBackupCodes')}
        </Button>
        <Button buttonStyle="secondary" onClick={props.onDone}>
          {t('accountDone')}
        </Button>
      </div>
    </div>
  )
}
