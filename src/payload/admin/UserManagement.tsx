'use client'

import {
  Banner,
  Button,
  toast,
  useAuth,
  useConfig,
  useDocumentInfo,
  useFormFields,
} from '@payloadcms/ui'
import { type ReactNode, useCallback, useEffect, useId, useState } from 'react'
import { type AuthMethod, findMethod } from '../../shared/methods.ts'
import type { BetterAuthT } from './i18n.ts'
import {
  banUser,
  getUser,
  hasPermission,
  impersonateUser,
  listUserSessions,
  type ManagedSession,
  type ManagedUser,
  type ManageResult,
  type Permissions,
  readMethods,
  requestPasswordReset,
  resetTwoFactor,
  revokeUserSession,
  revokeUserSessions,
  sendVerificationEmail,
  setRole,
  setUserPassword,
  unbanUser,
} from './manageRequests.ts'
import type { BetterAuthTranslationKey } from './translations.ts'
import { useBetterAuthTranslation } from './useBetterAuthTranslation.ts'

export interface UserManagementProps {
  /** Better Auth's base URL as the browser reaches it, e.g. `http://localhost:3000/api/auth`. */
  baseURL: string
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

type Translate = BetterAuthT

/**
 * Better Auth's admin actions on a user's document: role, ban / unban, sessions, impersonation,
 * password, verification email, two-factor reset. Shown on another user's document only, each
 * control only when its Better Auth plugin is on and the admin plugin allows the acting user.
 */
export function UserManagement({ baseURL }: UserManagementProps): ReactNode {
  const t = useBetterAuthTranslation()
  const { id } = useDocumentInfo()
  const { user: actingUser } = useAuth()
  const { config } = useConfig()
  const baUserId = useFormFields(([fields]) => fields.baUserId?.value)
  const email = useFormFields(([fields]) => fields.email?.value)
  const other = id !== undefined && actingUser != null && String(actingUser.id) !== String(id)
  const userId = typeof baUserId === 'string' && baUserId ? baUserId : null

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
            {withPassword && rights.update && emailAddress && target?.emailVerified !== true && (
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

/** Runs an action: one at a time, its outcome shown inline (and as a toast), the user re-read. */
type Run = (
  action: () => Promise<ManageResult<unknown>>,
  success: BetterAuthTranslationKey | null,
  then?: () => void,
) => Promise<boolean>

function Actions(props: {
  t: Translate
  /** The user's email, for the messages that name it. */
  email: string
  refresh: () => Promise<void>
  children: (run: Run) => ReactNode
}): ReactNode {
  const { t, refresh } = props
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const run: Run = async (action, success, then) => {
    setBusy(true)
    setOutcome(null)
    const result = await action()
    setBusy(false)
    if (!result.ok) {
      const text =
        result.message === null
          ? t('betterAuthDown')
          : t('manageActionRefused', { message: result.message })
      setOutcome({ ok: false, text })
      toast.error(text)
      return false
    }
    if (then) {
      then()
      return true
    }
    const text = success ? t(success, { email: props.email }) : ''
    setOutcome({ ok: true, text })
    if (text) toast.success(text)
    await refresh()
    return true
  }
  return (
    <fieldset
      disabled={busy}
      aria-busy={busy}
      style={{ border: 0, padding: 0, margin: 0, display: 'grid', gap: '1rem' }}
    >
      {outcome && (
        <p
          role={outcome.ok ? 'status' : 'alert'}
          style={{
            margin: 0,
            color: outcome.ok ? 'var(--theme-success-500)' : 'var(--theme-error-500)',
          }}
        >
          {outcome.text}
        </p>
      )}
      {props.children(run)}
    </fieldset>
  )
}

function RoleControl(props: {
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

function BanControl(props: {
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

function SessionsControl(props: {
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

function PasswordControl(props: {
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

function Section(props: { title: string; children: ReactNode }): ReactNode {
  return (
    <section
      aria-label={props.title}
      className="better-auth-manage"
      style={{ display: 'grid', gap: '1rem', marginBottom: 'var(--base, 1.5rem)' }}
    >
      <h3 style={{ margin: 0 }}>{props.title}</h3>
      {props.children}
    </section>
  )
}

function Label(props: { htmlFor: string; children: ReactNode }): ReactNode {
  return (
    <label className="field-label" htmlFor={props.htmlFor}>
      {props.children}
    </label>
  )
}

// Payload's own input colours, so the controls follow the light and dark themes.
const inputStyle = {
  background: 'var(--theme-input-bg)',
  color: 'var(--theme-elevation-800)',
  border: '1px solid var(--theme-elevation-150)',
  borderRadius: 'var(--style-radius-s, 3px)',
  padding: '0.5rem 0.75rem',
  font: 'inherit',
  minHeight: '2.5rem',
}

/** Enter in these inputs must not submit the document's form around them. */
function stopEnter(event: { key: string; preventDefault(): void }) {
  if (event.key === 'Enter') event.preventDefault()
}
