import { randomUUID } from 'node:crypto'
import { configToSchema } from '@payloadcms/graphql'
import { createHandler } from 'graphql-http/lib/use/fetch'
import {
  buildConfig,
  type CollectionConfig,
  createPayloadRequest,
  type GlobalConfig,
  getPayload,
  handleEndpoints,
  type Payload,
  type SanitizedConfig,
} from 'payload'
import { vi } from 'vitest'
import { betterAuthPayloadPlugin } from '../../src/index.ts'
import type { BetterAuthPayloadPluginOptions } from '../../src/payload/options.ts'
import {
  SYNC_CONTEXT_KEY,
  type SyncOperation,
  signSyncOperation,
} from '../../src/shared/syncSignature.ts'
import { TEST_BETTER_AUTH_SECRET, TEST_SYNC_SECRET } from './betterAuth.ts'
import { type DatabaseKind, freshDatabase } from './databases.ts'

export type GraphQLResult = {
  data?: Record<string, unknown> | null
  errors?: Array<{ message: string }>
}

/** Payload's HTTP APIs for one instance, answered in-process as Next.js would serve them. */
export interface PayloadApis {
  /** Payload's REST API. Without an `Origin` or `Sec-Fetch-Site`, a same-origin browser request. */
  rest(path: string, init?: RequestInit): Promise<Response>
  /** Payload's GraphQL API (`POST /api/graphql`), served as @payloadcms/next serves it. */
  graphql(query: string, headers?: Record<string, string>): Promise<GraphQLResult>
}

export interface TestPayload extends PayloadApis {
  payload: Payload
  close(): Promise<void>
}

/**
 * REST and GraphQL for the Payload started from `config` under `key`, at `siteURL`. `exactHeaders`
 * sends REST headers as given (CSRF tests), instead of as the site's own pages would.
 */
export function payloadApis({
  config,
  key,
  siteURL = 'http://localhost:3000',
  exactHeaders = false,
}: {
  config: Promise<SanitizedConfig> | SanitizedConfig
  key: string
  siteURL?: string
  exactHeaders?: boolean
}): PayloadApis {
  return {
    rest: (path, init) =>
      handleEndpoints({
        config,
        payloadInstanceCacheKey: key,
        request: exactHeaders
          ? new Request(`${siteURL}/api${path}`, init)
          : browserRequest(`${siteURL}/api${path}`, init),
      }),
    async graphql(query, headers = {}) {
      const request = new Request(`${siteURL}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      })
      const req = await createPayloadRequest({
        config,
        request: request.clone(),
        payloadInstanceCacheKey: key,
        canSetHeaders: true,
      })
      const { schema } = configToSchema(req.payload.config)
      const response = await createHandler({ schema, context: { req, headers: {} } })(request)
      return (await response.json()) as GraphQLResult
    },
  }
}

/** A real Payload on a fresh database, with the plugin; nothing cached between instances. */
export async function startPayload(
  kind: DatabaseKind,
  {
    collections = [],
    globals = [],
    plugin,
    logs,
  }: {
    collections?: CollectionConfig[]
    globals?: GlobalConfig[]
    /** Collects what Payload logs (its pino lines, JSON), start-up included. */
    logs?: string[]
    plugin: Omit<BetterAuthPayloadPluginOptions, 'betterAuthClientOptions'> &
      Partial<Pick<BetterAuthPayloadPluginOptions, 'betterAuthClientOptions'>>
  },
): Promise<TestPayload> {
  const database = await freshDatabase(kind)
  const key = randomUUID()
  const config = buildConfig({
    secret: 'payload-test-secret-0123456789abcdef',
    db: database.adapter,
    typescript: { autoGenerate: false },
    telemetry: false,
    collections,
    globals,
    ...(logs
      ? {
          logger: {
            options: { level: 'info' },
            destination: { write: (line: string) => void logs.push(line) },
          },
        }
      : {}),
    plugins: [
      betterAuthPayloadPlugin({
        betterAuthSecret: TEST_BETTER_AUTH_SECRET,
        syncSecret: TEST_SYNC_SECRET,
        ...plugin,
        betterAuthClientOptions: plugin.betterAuthClientOptions ?? {
          externalBaseURL: 'http://localhost:3000',
          // Nothing listens here: the warmup must not hold anything up.
          internalBaseURL: 'http://127.0.0.1:9',
        },
      }),
    ],
  })
  const payload = await getPayload({ config, key })
  return {
    payload,
    ...payloadApis({ config, key }),
    async close() {
      await closePayload(payload)
      await database.drop()
    },
  }
}

/**
 * A request as the site's own pages send it: a browser marks it `Sec-Fetch-Site: same-origin`, which
 * Payload's cookie check (on whenever `csrf` lists an origin) wants when there is no `Origin`. A test
 * that sets either header itself gets exactly what it set.
 */
export function browserRequest(url: string, init: RequestInit = {}): Request {
  return new Request(url, { ...init, headers: browserHeaders(init.headers) })
}

/** `headers` as the site's own pages send them (see `browserRequest`): for `payload.auth()`. */
export function browserHeaders(init?: HeadersInit): Headers {
  const headers = new Headers(init)
  if (!headers.has('origin') && !headers.has('sec-fetch-site')) {
    headers.set('sec-fetch-site', 'same-origin')
  }
  return headers
}

/**
 * Stops a Payload and its database connections. Payload's destroy() leaves the Postgres pool open;
 * a forced drop of the database afterwards ends its connections, which the pool must not report
 * as an uncaught error.
 */
export async function closePayload(payload: Payload): Promise<void> {
  const db = payload.db as unknown as {
    pool?: { end(): Promise<void>; on(event: 'error', listener: () => void): unknown }
    client?: { close(): void }
  }
  await payload.destroy()
  db.pool?.on('error', () => {})
  void db.pool?.end().catch(() => {})
  db.client?.close()
}

/** Runs `body` against a fresh Payload (see `startPayload`), closed afterwards whatever happens. */
export async function withPayload<T>(
  kind: DatabaseKind,
  options: Parameters<typeof startPayload>[1],
  body: (app: TestPayload) => Promise<T>,
): Promise<T> {
  const app = await startPayload(kind, options)
  try {
    return await body(app)
  } finally {
    await app.close()
  }
}

/** The Local API `context` that makes a write a signed sync write. */
export function signedContext(operation: SyncOperation, secret = TEST_SYNC_SECRET) {
  return { [SYNC_CONTEXT_KEY]: signSyncOperation(secret, operation) }
}

/** Creates a document the way Better Auth's sync does: signed over exactly this data. */
export function syncCreate(payload: Payload, collection: string, data: Record<string, unknown>) {
  return payload.create({
    collection,
    data,
    context: signedContext({ op: 'create', collection, id: null, data }),
  })
}

export function syncUpdate(
  payload: Payload,
  collection: string,
  id: string | number,
  data: Record<string, unknown>,
) {
  return payload.update({
    collection,
    id,
    data,
    context: signedContext({ op: 'update', collection, id, data }),
  })
}

/** Counts the Local API writes made on `payload` from now on (the calls still go through). */
/** Counts the writes that reach Payload's database adapter, whoever makes them. */
export function countDatabaseWrites(payload: Payload) {
  const writes = { count: 0 }
  for (const op of [
    'create',
    'updateOne',
    'updateMany',
    'deleteOne',
    'deleteMany',
    'upsert',
  ] as const) {
    const original = payload.db[op].bind(payload.db) as (...args: unknown[]) => unknown
    vi.spyOn(payload.db, op).mockImplementation(((...args: unknown[]) => {
      writes.count++
      return original(...args)
    }) as never)
  }
  return writes
}

export function countWrites(payload: Payload) {
  const writes = { create: 0, update: 0, delete: 0 }
  for (const op of ['create', 'update', 'delete'] as const) {
    const original = payload[op].bind(payload) as (...args: unknown[]) => unknown
    vi.spyOn(payload, op).mockImplementation(((...args: unknown[]) => {
      writes[op]++
      return original(...args)
    }) as never)
  }
  return writes
}
