'use client'

import { Button, toast, useConfig } from '@payloadcms/ui'
import { type ReactNode, useState } from 'react'
import { stopImpersonating } from './manageRequests.ts'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'

export interface StopImpersonatingButtonProps {
  /** Better Auth's base URL as the browser reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
}

/** Ends the impersonation (Better Auth restores the admin's own session), then reloads the admin. */
export function StopImpersonatingButton({ baseURL }: StopImpersonatingButtonProps): ReactNode {
  const t = useBetterAuthTranslation()
  const { config } = useConfig()
  const [busy, setBusy] = useState(false)
  return (
    <Button
      buttonStyle="secondary"
      size="small"
      margin={false}
      disabled={busy}
      onClick={async () => {
        setBusy(true)
        const result = await stopImpersonating(baseURL)
        if (result.ok) return window.location.assign(config.routes.admin)
        setBusy(false)
        toast.error(
          result.message === null
            ? t('betterAuthDown')
            : t('manageActionRefused', { message: result.message }),
        )
      }}
    >
      {t('manageStopImpersonating')}
    </Button>
  )
}
