import { AsyncLocalStorage } from 'node:async_hooks'
import type { BetterAuthPlugin, GenericEndpointContext } from 'better-auth'
import {
  APIError,
  changeEmail,
  createAuthEndpoint,
  getSessionFromCtx,
  requestPasswordReset,
  updateUser,
} from 'better-auth/api'
import * as z from 'zod'
import { comparableValue } from '../../shared/fieldValue.ts'
import {
  type PayloadUserData,
  WRITE_THROUGH_PATHS,
  type WriteThroughCreateBody,
  type WriteThroughCreateResult,
  type WriteThroughDeleteBody,
  type WriteThroughUpdateBody,
  type WriteThroughUpdateResult,
} from '../../shared/writeThrough.ts'
import type { SyncedUser } from '../payloadWriter.ts'

// Edits made in Payload, carried out by Better Auth. The Payload plugin forwards the acting user's
// credentials; each change goes through the Better Auth endpoint a client would call for it
// (`/update-user`, `/change-email`, the admin plugin's `/admin/update-user`, `/admin/create-user`,
// `/admin/remove-user`), so Better Auth's own authorization decides. Payload then stores what Better
// Auth answers: an edit is never saved in Payload and undone by the next reconcile.

/** Payload is writing this user itself: the sync must not write it at the same moment. */
const payloadIsWriting = new AsyncLocalStorage<true>()
export const isPayloadWriting = (): boolean => payloadIsWriting.getStore() === true
/** How long the sync waits before following a write-through (Payload's own write comes first). */
export const PAYLOAD_WRITE_SYNC_DELAY_MS = 5_000

/** Better Auth user fields only an admin (the admin plugin) may set. */
const ADMIN_ONLY_FIELDS = new Set(['role', 'banned', 'banReason', 'banExpires', 'emailVerified'])

export interface WriteThroughOptions {
  mapUserToPayload(user: SyncedUser): PayloadUserData
  /** Payload's values of the owned fields → Better Auth user fields. Default: `email` only. */
  mapPayloadToUser?(data: PayloadUserData, user: SyncedUser): Record<string, unknown>
  /** Where an invitation link leads after sign-in. Default `/admin`. */
  invitationCallbackURL?: string
}

type Ctx = GenericEndpointContext
type AnyEndpoint = (ctx: object) => Promise<unknown>

/** Calls another Better Auth endpoint in-process with this request's headers (its session). */
export const call = <T>(endpoint: unknown, ctx: Ctx, body: object): Promise<T> =>
  (endpoint as AnyEndpoint)({
    ...ctx,
    body,
    asResponse: false,
    returnHeaders: false,
    returnStatus: false,
  }) as Promise<T>

export function pluginEndpoint(ctx: Ctx, pluginId: string, name: string): unknown {
  const plugin = ctx.context.options.plugins?.find((p: BetterAuthPlugin) => p.id === pluginId)
  return (plugin?.endpoints as Record<string, unknown> | undefined)?.[name]
}

function adminEndpoint(ctx: Ctx, name: string, what: string): unknown {
  const endpoint = pluginEndpoint(ctx, 'admin', name)
  if (!endpoint) {
    throw new APIError('FORBIDDEN', {
      message: `Only Better Auth's admin plugin can ${what}: add admin() to betterAuth({ plugins }), or make the change in Better Auth.`,
    })
  }
  return endpoint
}

async function requireSession(ctx: Ctx, fields: string[]) {
  const session = await getSessionFromCtx(ctx)
  if (!session) {
    throw new APIError('UNAUTHORIZED', {
      message: `${fields.join(', ')}: Better Auth owns ${fields.length > 1 ? 'these fields' : 'this field'}; only a request signed in to Better Auth may change it from Payload. Make the change through Better Auth's API (e.g. auth.api.adminUpdateUser or updateUser).`,
    })
  }
  return session
}

const same = (a: unknown, b: unknown) => comparableValue(a) === comparableValue(b)

export function writeThroughEndpoints(options: WriteThroughOptions) {
  const reverse =
    options.mapPayloadToUser ??
    ((data: PayloadUserData) => ('email' in data ? { email: data.email } : {}))
  const owned = (user: SyncedUser): PayloadUserData => ({
    email: user.email,
    ...options.mapUserToPayload(user),
  })

  /**
   * Better Auth fields for `changes`, checked by a round trip: mapping them back must give exactly
   * the Payload values asked for, or the edit could not be kept and would be undone later.
   */
  function toBetterAuth(user: SyncedUser, changes: PayloadUserData): Record<string, unknown> {
    // Only what the edit sets: a mapping written for whole documents yields undefined for the rest.
    const fields = Object.fromEntries(
      Object.entries(reverse(changes, user)).filter(([, value]) => value !== undefined),
    )
    const after = owned({ ...user, ...fields } as SyncedUser)
    const lost = Object.keys(changes).filter(
      (key) =>
        !same(after[key], changes[key]) &&
        !(
          key === 'email' &&
          same(String(after[key]).toLowerCase(), String(changes[key]).toLowerCase())
        ),
    )
    if (lost.length > 0) {
      throw new APIError('BAD_REQUEST', {
        message: `Better Auth owns ${lost.join(', ')} (mapUserToPayload writes it), and mapPayloadToUser does not carry the edit back. Make the change in Better Auth, or map it back in payloadBetterAuthPlugin({ mapPayloadToUser }).`,
      })
    }
    return fields
  }

  async function findUser(ctx: Ctx, userId: string): Promise<SyncedUser | null> {
    return (await ctx.context.internalAdapter.findUserById(userId)) as SyncedUser | null
  }

  /** The Better Auth call a client would make for this change, as the acting user. */
  async function apply(
    ctx: Ctx,
    actingUserId: string,
    user: SyncedUser,
    fields: Record<string, unknown>,
  ) {
    const adminOnly = Object.keys(fields).some((key) => ADMIN_ONLY_FIELDS.has(key))
    if (actingUserId === user.id && !adminOnly) {
      const { email, ...rest } = fields
      // The email first: when Better Auth wants it confirmed, nothing else has changed yet.
      if (email !== undefined && !same(email, user.email)) {
        await call(changeEmail, ctx, {
          newEmail: email,
          callbackURL: options.invitationCallbackURL ?? '/admin',
        })
        const now = await findUser(ctx, user.id)
        if (now && !same(now.email, String(email).toLowerCase())) {
          throw new APIError('CONFLICT', {
            message: `Better Auth sent a confirmation link to ${String(email)}: the email changes once it is confirmed there. Nothing was saved; save your other changes without the email.`,
          })
        }
      }
      if (Object.keys(rest).length > 0) await call(updateUser(), ctx, rest)
      return
    }
    await call(adminEndpoint(ctx, 'adminUpdateUser', 'change another user'), ctx, {
      userId: user.id,
      data: fields,
    })
  }

  return {
    payloadCreateUser: createAuthEndpoint(
      WRITE_THROUGH_PATHS.createUser,
      {
        method: 'POST',
        body: z.object({
          data: z.record(z.string(), z.unknown()),
          password: z.string().min(1).optional(),
        }) satisfies z.ZodType<WriteThroughCreateBody>,
      },
      async (ctx) => {
        await requireSession(ctx, ['create'])
        const { data, password } = ctx.body
        if (typeof data.email !== 'string' || !data.email) {
          throw new APIError('BAD_REQUEST', { message: 'email is required to create a user.' })
        }
        const probe = { id: '', email: data.email } as SyncedUser
        const fields = reverse(data, probe)
        const { email, name, role, ...rest } = { ...fields, email: data.email } as Record<
          string,
          unknown
        >
        const invitation = password ? null : invitationKind(ctx)
        if (!password && !invitation) {
          throw new APIError('BAD_REQUEST', {
            message:
              'Give the new user a password, or turn on a way to invite them (the magicLink plugin, or emailAndPassword.sendResetPassword).',
          })
        }
        const created = await payloadIsWriting.run(true, () =>
          call<{ user: SyncedUser }>(adminEndpoint(ctx, 'createUser', 'create users'), ctx, {
            email,
            name: typeof name === 'string' ? name : '',
            ...(password ? { password } : {}),
            ...(role !== undefined ? { role } : {}),
            data: rest,
          }),
        )
        const user = (await findUser(ctx, created.user.id)) ?? created.user
        if (invitation === 'magic-link') {
          await call(pluginEndpoint(ctx, 'magic-link', 'signInMagicLink'), ctx, {
            email: user.email,
            callbackURL: options.invitationCallbackURL ?? '/admin',
          })
        } else if (invitation === 'reset-password') {
          await call(requestPasswordReset, ctx, {
            email: user.email,
            redirectTo: options.invitationCallbackURL ?? '/admin',
          })
        }
        const result: WriteThroughCreateResult = { userId: user.id, data: owned(user), invitation }
        return ctx.json(result)
      },
    ),

    payloadUpdateUser: createAuthEndpoint(
      WRITE_THROUGH_PATHS.updateUser,
      {
        method: 'POST',
        body: z.object({
          userId: z.string().min(1),
          data: z.record(z.string(), z.unknown()),
        }) satisfies z.ZodType<WriteThroughUpdateBody>,
      },
      async (ctx) => {
        const user = await findUser(ctx, ctx.body.userId)
        if (!user) {
          throw new APIError('NOT_FOUND', {
            message: `No Better Auth user has id ${ctx.body.userId}; it may have been deleted (the sync removes its Payload row).`,
          })
        }
        const current = owned(user)
        const asked = Object.keys(ctx.body.data).filter((key) => key in current)
        // A session before any owned value is compared: an answer must not tell a stranger whether
        // a guessed email is the user's.
        const session = asked.length > 0 ? await requireSession(ctx, asked) : null
        const changes = Object.fromEntries(
          asked
            .filter((key) => !same(ctx.body.data[key], current[key]))
            .map((key) => [key, ctx.body.data[key]]),
        )
        const changed = Object.keys(changes)
        if (session && changed.length > 0) {
          const fields = toBetterAuth(user, changes)
          await payloadIsWriting.run(true, () => apply(ctx, session.user.id, user, fields))
        }
        const after = changed.length > 0 ? owned((await findUser(ctx, user.id)) ?? user) : current
        const result: WriteThroughUpdateResult = {
          owned: Object.keys(current),
          data: Object.fromEntries(changed.map((key) => [key, after[key]])),
        }
        return ctx.json(result)
      },
    ),

    payloadDeleteUser: createAuthEndpoint(
      WRITE_THROUGH_PATHS.deleteUser,
      {
        method: 'POST',
        body: z.object({ userId: z.string().min(1) }) satisfies z.ZodType<WriteThroughDeleteBody>,
      },
      async (ctx) => {
        await requireSession(ctx, ['delete'])
        if (!(await findUser(ctx, ctx.body.userId))) return ctx.json({ deleted: false })
        await payloadIsWriting.run(true, () =>
          call(adminEndpoint(ctx, 'removeUser', 'delete users'), ctx, { userId: ctx.body.userId }),
        )
        return ctx.json({ deleted: true })
      },
    ),
  }
}

/** How a user created without a password is invited: a magic link, else a reset link, else not. */
function invitationKind(ctx: Ctx): WriteThroughCreateResult['invitation'] {
  if (pluginEndpoint(ctx, 'magic-link', 'signInMagicLink')) return 'magic-link'
  if (ctx.context.options.emailAndPassword?.sendResetPassword) return 'reset-password'
  return null
}
