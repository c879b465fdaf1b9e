import { useTranslation } from '@payloadcms/ui'
import { useMemo } from 'react'
import { type BetterAuthT, betterAuthT } from './i18n.ts'

/** `t` for the Better Auth strings, in the admin's language (client components). */
export function useBetterAuthTranslation(): BetterAuthT {
  const { t } = useTranslation()
  return useMemo(() => betterAuthT(t), [t])
}
