// The Better Auth endpoints the user-management panel and the impersonation banner call, from the
// browser, with the acting user's cookies: Better Auth's admin plugin authorizes every one.

import type { AuthMethod } from '../../shared/methods.ts'
import { RESET_TWO_FACTOR_PATH } from '../../shared/twoFactorReset.ts'

/** `message: null`: Better Auth did not answer (the caller shows its "down" message). */
export type ManageResult<T> = { ok: true; data: T } | { ok: false; message: string | null }

async function request<T>(
  baseURL: string,
  path: string,
  init: { body?: object; credentials?: RequestCredentials } = {},
): Promise<ManageResult<T>> {
  let response: Response
  try {
    response = await fetch(`${baseURL}${path}`, {
      method: init.body ? 'POST' : 'GET',
      credentials: init.credentials ?? 'include',
      headers: init.body ? { 'content-type': 'application/json' } : {},
      body: init.body ? JSON.stringify(init.body) : undefined,
    })
  } catch {
    return { ok: false, message: null }
  }
  const data = (await response.json().catch(() => null)) as (T & { message?: string }) | null
  if (!response.ok) {
    if (response.status >= 502 && response.status <= 504) return { ok: false, message: null }
    return { ok: false, message: data?.message ?? `Better Auth answered ${response.status}.` }
  }
  return { ok: true, data: (data ?? {}) as T }
}

/** The admin plugin's permission statements (`{ user: ['ban'] }`). */
export type Permissions = Record<string, string[]>

/** What Better Auth's admin plugin says about a user (the fields the panel shows). */
export interface ManagedUser {
  id: string
  email: string
  role?: string | null
  banned?: boolean | null
  banReason?: string | null
  banExpires?: string | null
  emailVerified?: boolean
  twoFactorEnabled?: boolean | null
}

export interface ManagedSession {
  id: string
  token: string
  createdAt: string
  expiresAt: string
  ipAddress?: string | null
  userAgent?: string | null
  impersonatedBy?: string | null
}

export const readMethods = (baseURL: string) =>
  request<AuthMethod[]>(baseURL, '/methods', { credentials: 'omit' })

/** Whether the signed-in user may do all of `permissions` (the admin plugin decides). */
export const hasPermission = async (baseURL: string, permissions: Permissions) => {
  const result = await request<{ success: boolean }>(baseURL, '/admin/has-permission', {
    body: { permissions },
  })
  return result.ok ? { ok: true as const, data: result.data.success === true } : result
}

export const getUser = (baseURL: string, userId: string) =>
  request<ManagedUser>(baseURL, `/admin/get-user?id=${encodeURIComponent(userId)}`)

export const setRole = (baseURL: string, userId: string, role: string) =>
  request<{ user: ManagedUser }>(baseURL, '/admin/set-role', { body: { userId, role } })

export const banUser = (
  baseURL: string,
  userId: string,
  ban: { banReason?: string; banExpiresIn?: number },
) => request<{ user: ManagedUser }>(baseURL, '/admin/ban-user', { body: { userId, ...ban } })

export const unbanUser = (baseURL: string, userId: string) =>
  request<{ user: ManagedUser }>(baseURL, '/admin/unban-user', { body: { userId } })

export const listUserSessions = (baseURL: string, userId: string) =>
  request<{ sessions: ManagedSession[] }>(baseURL, '/admin/list-user-sessions', {
    body: { userId },
  })

export const revokeUserSession = (baseURL: string, sessionToken: string) =>
  request<{ success: boolean }>(baseURL, '/admin/revoke-user-session', { body: { sessionToken } })

export const revokeUserSessions = (baseURL: string, userId: string) =>
  request<{ success: boolean }>(baseURL, '/admin/revoke-user-sessions', { body: { userId } })

export const impersonateUser = (baseURL: string, userId: string) =>
  request<object>(baseURL, '/admin/impersonate-user', { body: { userId } })

export const stopImpersonating = (baseURL: string) =>
  request<object>(baseURL, '/admin/stop-impersonating', { body: {} })

export const setUserPassword = (baseURL: string, userId: string, newPassword: string) =>
  request<{ status: boolean }>(baseURL, '/admin/set-user-password', {
    body: { userId, newPassword },
  })

/** Sent without the admin's cookies: it is the user's own reset, as if they had asked for it. */
export const requestPasswordReset = (baseURL: string, email: string, redirectTo: string) =>
  request<{ status: boolean }>(baseURL, '/request-password-reset', {
    body: { email, redirectTo },
    credentials: 'omit',
  })

/** Without the admin's cookies: with a session, Better Auth only sends to that session's user. */
export const sendVerificationEmail = (baseURL: string, email: string, callbackURL: string) =>
  request<{ status: boolean }>(baseURL, '/send-verification-email', {
    body: { email, callbackURL },
    credentials: 'omit',
  })

export const resetTwoFactor = (baseURL: string, userId: string) =>
  request<{ status: boolean }>(baseURL, RESET_TWO_FACTOR_PATH, { body: { userId } })
