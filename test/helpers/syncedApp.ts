import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from 'better-auth/node'
import type { CollectionConfig, GlobalConfig } from 'payload'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import type { DatabaseKind } from './databases.ts'
import { eventually } from './eventually.ts'
import { startPayload, type TestPayload } from './payload.ts'
import { cookieOf, createSyncedAuth, RECONCILE_TOKEN } from './syncedAuth.ts'

/** Where browsers reach the app: Better Auth's `baseURL` in `createSyncedAuth`, a trusted origin. */
export const SITE = 'http://localhost:3000'

export type SyncedAuth = Awaited<ReturnType<typeof createSyncedAuth>>

export interface SyncedApp {
  app: TestPayload
  synced: SyncedAuth
  storage: SecondaryStorage
  /** Where Better Auth is served over HTTP (Payload's `internalBaseURL`). */
  betterAuthURL: string
  /** The paths Better Auth has served over HTTP (Payload's calls to it), oldest first. */
  served: string[]
  close(): Promise<void>
}

/**
 * The synced topology as deployed: a real Payload and a real Better Auth (served over HTTP, so
 * Payload reaches it at `internalBaseURL`) sharing a storage. Better Auth checks the Origin of
 * cookie-bearing POSTs as in production (under NODE_ENV=test it would not).
 */
export async function startSyncedApp(
  kind: DatabaseKind,
  {
    collections = [],
    globals = [],
    auth = {},
    collectionPrefix,
    logs,
    storage = createMemoryStorage(),
    payloadStorage = storage,
  }: {
    /** The storage both halves share. Default: a memory storage. */
    storage?: SecondaryStorage
    /** The same storage as Payload sees it (a wrapper that counts, say). Default `storage`. */
    payloadStorage?: SecondaryStorage
    collections?: CollectionConfig[]
    globals?: GlobalConfig[]
    auth?: Partial<Parameters<typeof createSyncedAuth>[0]>
    /** Both halves' `collectionPrefix`; GraphQL needs one that does not begin with `__`. */
    collectionPrefix?: string
    /** Collects what Payload logs. */
    logs?: string[]
  } = {},
): Promise<SyncedApp> {
  let handler: ReturnType<typeof toNodeHandler> | undefined
  const served: string[] = []
  const server: Server = createServer((req, res) => {
    served.push(req.url ?? '')
    if (handler) return handler(req, res)
    res.statusCode = 503
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const eventBus = createMemoryEventBus()
  const app = await startPayload(kind, {
    collections,
    globals,
    logs,
    plugin: {
      storage: payloadStorage,
      eventBus,
      collectionPrefix,
      betterAuthClientOptions: {
        externalBaseURL: SITE,
        internalBaseURL: `http://127.0.0.1:${port}`,
      },
    },
  })
  const synced = await createSyncedAuth({
    payload: async () => app.payload,
    config: app.payload.config,
    storage,
    eventBus,
    collectionPrefix,
    ...auth,
  })
  ;(await synced.auth.$context).skipOriginCheck = false
  handler = toNodeHandler(synced.auth)
  return {
    app,
    synced,
    storage,
    betterAuthURL: `http://127.0.0.1:${port}`,
    served,
    async close() {
      await app.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export interface SignedUp {
  id: string
  /** Better Auth's user id. */
  baUserId: string
  email: string
  /** The session cookie as the browser sends it back. */
  cookie: string
  /** What a same-site browser request from the site carries. */
  headers: Record<string, string>
}

/** A public sign-up through Better Auth; its Payload row exists when this returns (inline sync). */
export async function signUp(
  { app, synced }: Pick<SyncedApp, 'app' | 'synced'>,
  email: string,
  name = email.split('@')[0] as string,
): Promise<SignedUp> {
  const { headers, response } = await synced.auth.api.signUpEmail({
    body: { email, password: 'correct-horse-battery', name },
    returnHeaders: true,
  })
  const cookie = cookieOf(headers)
  const { docs } = await app.payload.find({
    collection: 'users',
    where: { baUserId: { equals: response.user.id } },
    overrideAccess: true,
  })
  const doc = docs[0]
  if (!doc) throw new Error(`the sync did not bring ${email} into Payload`)
  return {
    id: String(doc.id),
    baUserId: response.user.id,
    email,
    cookie,
    headers: { cookie, origin: SITE, 'sec-fetch-site': 'same-origin' },
  }
}

/** Gives a Better Auth user the admin plugin's role (its stored sessions are refreshed too). */
export async function makeAdmin(synced: SyncedAuth, baUserId: string, role = 'admin') {
  await (await synced.auth.$context).internalAdapter.updateUser(baUserId, { role })
}

/** `PATCH /api/users/:id` as JSON. */
export const patchUser = (
  app: TestPayload,
  id: string,
  data: Record<string, unknown>,
  headers: Record<string, string>,
) =>
  app.rest(`/users/${id}`, {
    method: 'PATCH',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(data),
  })

/** What the admin's edit form submits: multipart with the document as `_payload`. */
export const submitAdminForm = (
  app: TestPayload,
  path: string,
  method: 'POST' | 'PATCH',
  data: Record<string, unknown>,
  headers: Record<string, string>,
) => {
  const form = new FormData()
  form.set('_payload', JSON.stringify(data))
  return app.rest(path, { method, headers, body: form })
}

/** `POST /reconcile/run`, then waits until that full reconcile has finished (`lastSeedAt` moves). */
export async function runFullReconcile(synced: SyncedAuth): Promise<void> {
  const status = async () =>
    (await (
      await synced.auth.handler(
        new Request('http://localhost:3000/api/auth/reconcile/status', {
          headers: { 'x-reconcile-token': RECONCILE_TOKEN },
        }),
      )
    ).json()) as { lastSeedAt: string | null; reconciling: boolean }
  const before = (await status()).lastSeedAt
  const run = await synced.auth.handler(
    new Request('http://localhost:3000/api/auth/reconcile/run', {
      method: 'POST',
      headers: { 'x-reconcile-token': RECONCILE_TOKEN },
    }),
  )
  if (run.status !== 200) throw new Error(`reconcile/run answered ${run.status}`)
  await eventually(async () => {
    const now = await status()
    if (now.lastSeedAt === before || now.reconciling) throw new Error('the reconcile is not done')
  })
}
