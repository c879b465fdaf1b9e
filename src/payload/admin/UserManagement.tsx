'use client'

import { Banner, Button, useAuth, useConfig, useDocumentInfo, useFormFields } from '@payloadcms/ui'
import { type ReactNode, useCallback, useEffect, useState } from 'react'
import { type AuthMethod, findMethod } from '../../shared/methods.ts'
import {
  banUser,
  getUser,
  hasPermission,
  impersonateUser,
  type ManagedUser,
  type Permissions,
  readMethods,
  requestPasswordReset,
  resetTwoFactor,
  sendVerificationEmail,
  setRole,
  setUserPassword,
  unbanUser,
} from './manageRequests.ts'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'
import { Actions } from './userManagement/Actions.tsx'
import { BanControl } from './userManagement/BanControl.tsx'
import { PasswordControl } from './userManagement/PasswordControl.tsx'
import { Section } from './userManagement/parts.tsx'
import { RoleControl } from './userManagement/RoleControl.tsx'
import { SessionsControl } from './userManagement/SessionsControl.tsx'

export interface UserManagementProps {
  /** Better Auth's base URL as the browser reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
  /**
   * The form field holding the user's Better Auth id: `baUserId` (synced topology, the default)
   * or `id` (shared database: the document's own id).
   */
  userIdField?: 'baUserId' | 'id'
}

/** Each control, and the admin plugin permission it needs (asked of Better Auth, one by one). */
const NEEDS = {
  get: { user: ['get'] },
  setRole: { user: ['set-role'] },
  ban: { user: ['ban'] },
  listSessions: { session: ['list'] },
  revokeSessions: { session: ['revoke'] },
  impersonate: { user: ['impersonate'] },
  setPassword: { user: ['set-password'] },
  update: { user: ['update'] },
} satisfies Record<string, Permissions>

type Right = keyof typeof NEEDS
type Rights = Record<Right, boolean>

type Loaded =
  | { state: 'loading' }
  | { state: 'down' }
  | { state: 'ready'; methods: AuthMethod[]; rights: Rights }

/**
 * Better Auth's admin actions on a user's document: role, ban / unban, sessions, impersonation,
 * password, verification email, two-factor reset. Shown on another user's document only, each
 * control only when its Better Auth plugin is on and the admin plugin allows the acting user.
 */
export function UserManagement({
  baseURL,
  userIdField = 'baUserId',
}: UserManagementProps): ReactNode {
  const t = useBetterAuthTranslation()
  const { id } = useDocumentInfo()
  const { user: actingUser } = useAuth()
  const { config } = useConfig()
  const baUserId = useFormFields(([fields]) => fields.baUserId?.value)
  const email = useFormFields(([fields]) => fields.email?.value)
  const other = id !== undefined && actingUser != null && String(actingUser.id) !== String(id)
  const betterAuthId = userIdField === 'id' ? id : baUserId
  const userId =
    (typeof betterAuthId === 'string' || typeof betterAuthId === 'number') && betterAuthId !== ''
      ? String(betterAuthId)
      : null

  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' })
  const [target, setTarget] = useState<ManagedUser | null>(null)
  const [attempt, setAttempt] = useState(0)

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is "Try again": it re-asks.
  useEffect(() => {
    if (!other || !userId) return
    let cancelled = false
    void (async () => {
      setLoaded({ state: 'loading' })
      const methods = await readMethods(baseURL)
      if (!methods.ok) return cancelled || setLoaded({ state: 'down' })
      if (!findMethod(methods.data, 'admin')) {
        return cancelled || setLoaded({ state: 'ready', methods: methods.data, rights: none() })
      }
      const answers = await Promise.all(
        (Object.keys(NEEDS) as Right[]).map(
          async (right) => [right, await hasPermission(baseURL, NEEDS[right])] as const,
        ),
      )
      if (answers.some(([, answer]) => !answer.ok && answer.message === null)) {
        return cancelled || setLoaded({ state: 'down' })
      }
      const rights = Object.fromEntries(
        answers.map(([right, answer]) => [right, answer.ok && answer.data]),
      ) as Rights
      if (rights.get) {
        const found = await getUser(baseURL, userId)
        if (!cancelled && found.ok) setTarget(found.data)
      }
      if (!cancelled) setLoaded({ state: 'ready', methods: methods.data, rights })
    })()
    return () => {
      cancelled = true
    }
  }, [baseURL, other, userId, attempt])

  const refresh = useCallback(async () => {
    if (!userId) return
    const found = await getUser(baseURL, userId)
    if (found.ok) setTarget(found.data)
  }, [baseURL, userId])

  if (!other || !userId) return null
  if (loaded.state === 'loading') {
    return (
      <Section title={t('manageTitle')}>
        <p>{t('manageLoading')}</p>
      </Section>
    )
  }
  if (loaded.state === 'down') {
    return (
      <Section title={t('manageTitle')}>
        <Banner type="error">{t('betterAuthDown')}</Banner>
        <Button buttonStyle="secondary" size="small" onClick={() => setAttempt((n) => n + 1)}>
          {t('tryAgain')}
        </Button>
      </Section>
    )
  }

  const { methods, rights } = loaded
  const admin = findMethod(methods, 'admin')
  if (!admin || !Object.values(rights).some(Boolean)) return null
  const adminRoute = config.routes.admin
  const emailAddress = typeof email === 'string' ? email : (target?.email ?? '')
  const withPassword = findMethod(methods, 'emailAndPassword')
  const forgotPassword = findMethod(methods, 'forgotPassword')
  const twoFactor = findMethod(methods, 'twoFactor')
  const verification = findMethod(methods, 'emailVerification')

  return (
    <Section title={t('manageTitle')}>
      <Actions t={t} email={emailAddress} refresh={refresh}>
        {(run) => (
          <>
            {rights.setRole && (admin.options?.roles.length ?? 0) > 0 && (
              <RoleControl
                roles={admin.options?.roles ?? []}
                current={target?.role ?? null}
                t={t}
                onSave={(role) => run(() => setRole(baseURL, userId, role), 'manageRoleSaved')}
              />
            )}
            {rights.ban && (
              <BanControl
                target={target}
                t={t}
                onBan={(ban) => run(() => banUser(baseURL, userId, ban), 'manageUserBanned')}
                onUnban={() => run(() => unbanUser(baseURL, userId), 'manageUserUnbanned')}
              />
            )}
            {(rights.listSessions || rights.revokeSessions) && (
              <SessionsControl
                baseURL={baseURL}
                userId={userId}
                canList={rights.listSessions}
                canRevoke={rights.revokeSessions}
                t={t}
                run={run}
              />
            )}
            {rights.impersonate && (
              <Button
                buttonStyle="secondary"
                size="small"
                onClick={() =>
                  run(
                    () => impersonateUser(baseURL, userId),
                    null,
                    // A full reload: Payload reads the new (impersonation) session.
                    () => window.location.assign(adminRoute),
                  )
                }
              >
                {t('manageImpersonateUser')}
              </Button>
            )}
            {withPassword && (rights.setPassword || (forgotPassword && rights.update)) && (
              <PasswordControl
                minLength={withPassword.options?.minPasswordLength ?? 8}
                canSet={rights.setPassword}
                canSendLink={Boolean(forgotPassword) && rights.update && Boolean(emailAddress)}
                t={t}
                onSet={(password) =>
                  run(() => setUserPassword(baseURL, userId, password), 'managePasswordSet')
                }
                onSendLink={() =>
                  run(
                    () =>
                      requestPasswordReset(
                        baseURL,
                        emailAddress,
                        new URL(`${adminRoute}/reset`, window.location.origin).toString(),
                      ),
                    'manageResetLinkSent',
                  )
                }
                email={emailAddress}
              />
            )}
            {verification && rights.update && emailAddress && target?.emailVerified !== true && (
              <Button
                buttonStyle="secondary"
                size="small"
                onClick={() =>
                  run(
                    () =>
                      sendVerificationEmail(
                        baseURL,
                        emailAddress,
                        new URL(adminRoute, window.location.origin).toString(),
                      ),
                    'manageVerificationSent',
                  )
                }
              >
                {t('manageResendVerification')}
              </Button>
            )}
            {twoFactor && rights.update && target?.twoFactorEnabled !== false && (
              <div>
                <h4 style={{ margin: '0 0 0.5rem' }}>{t('manageTwoFactor')}</h4>
                <p style={{ margin: '0 0 0.5rem' }}>{t('manageResetTwoFactorHint')}</p>
                <Button
                  buttonStyle="secondary"
                  size="small"
                  onClick={() => run(() => resetTwoFactor(baseURL, userId), 'manageTwoFactorReset')}
                >
                  {t('manageResetTwoFactor')}
                </Button>
              </div>
            )}
          </>
        )}
      </Actions>
    </Section>
  )
}

function none(): Rights {
  return Object.fromEntries(Object.keys(NEEDS).map((right) => [right, false])) as Rights
}
