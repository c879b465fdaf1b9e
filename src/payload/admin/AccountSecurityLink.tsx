'use client'

import { Button, useAuth, useConfig, useDocumentInfo } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import type { ReactNode } from 'react'
import { ACCOUNT_SECURITY_PATH } from './accountSecurityLogic.ts'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'

/**
 * A `ui` field of the users collection: on the signed-in user's own document (the admin's account
 * page, or their own entry in the list) a link to the account-security view; on anyone else's,
 * nothing.
 */
export function AccountSecurityLink(): ReactNode {
  const { user } = useAuth()
  const { id, collectionSlug } = useDocumentInfo()
  const { config } = useConfig()
  const t = useBetterAuthTranslation()
  const own =
    user != null &&
    id != null &&
    collectionSlug === user.collection &&
    String(id) === String(user.id)
  if (!own) return null
  return (
    <div className="field-type better-auth-account-security-link">
      <Button
        el="link"
        buttonStyle="secondary"
        margin={false}
        to={formatAdminURL({ adminRoute: config.routes.admin, path: ACCOUNT_SECURITY_PATH })}
      >
        {t('accountSecurity')}
      </Button>
    </div>
  )
}
