import type { GenericEndpointContext } from 'better-auth'
import { APIError, createAuthEndpoint } from 'better-auth/api'
import * as z from 'zod'
import {
  API_KEY_REFUSED_CODE,
  API_KEY_SIGNATURE_HEADER,
  API_KEY_VERIFICATION_PATH,
  type ApiKeyVerificationBody,
  type ApiKeyVerificationResult,
  checkApiKeyVerification,
  MAX_API_KEY_LENGTH,
  normalizeApiKeyPermissions,
} from '../../shared/apiKeyVerification.ts'
import { call, pluginEndpoint } from './writeThrough.ts'

// Payload's question "does this API key hold, and whose is it?", answered by the api-key plugin's
// own `verifyApiKey` (server-only, called in-process): its hashing, `enabled`, expiry, `remaining`
// (decremented here, once per Payload request) and rate limit. Only the Payload server may ask (a
// signature made with the sync secret), so this is no oracle for guessing keys.

/** What the api-key plugin's `verifyApiKey` answers (the fields read here). */
interface VerifyApiKeyAnswer {
  valid: boolean
  error: { message?: string; code?: string } | null
  key: { id: string; referenceId: string; permissions?: unknown } | null
}

interface OwnerRow {
  id: string
  role?: string | null
  banned?: boolean | null
  banExpires?: Date | string | null
}

const refused = (why: string) =>
  new APIError('UNAUTHORIZED', {
    message: `The API key does not authenticate: ${why}`,
    code: API_KEY_REFUSED_CODE,
  })

export function verifyApiKeyEndpoint(syncSecret: string) {
  return createAuthEndpoint(
    API_KEY_VERIFICATION_PATH,
    {
      method: 'POST',
      body: z.object({
        key: z.string().min(1).max(MAX_API_KEY_LENGTH),
      }) satisfies z.ZodType<ApiKeyVerificationBody>,
    },
    async (ctx) => {
      const { key } = ctx.body
      if (!checkApiKeyVerification(syncSecret, key, ctx.headers?.get(API_KEY_SIGNATURE_HEADER))) {
        throw new APIError('UNAUTHORIZED', {
          message: `Only the Payload server may verify API keys here: ${API_KEY_SIGNATURE_HEADER} is missing, expired or not made with this syncSecret (both plugins need the same BA_TO_PAYLOAD_SECRET, and clocks within 300 s).`,
          code: 'PAYLOAD_SIGNATURE_INVALID',
        })
      }
      const ctxAsGeneric = ctx as unknown as GenericEndpointContext
      const verify = pluginEndpoint(ctxAsGeneric, 'api-key', 'verifyApiKey')
      if (!verify) {
        throw new APIError('NOT_FOUND', {
          message:
            "Better Auth has no api-key plugin: add apiKey() from '@better-auth/api-key' to betterAuth({ plugins }) for API keys to authenticate Payload.",
          code: 'API_KEY_PLUGIN_MISSING',
        })
      }
      // Only the key: the api-key plugin then judges it by its own configuration.
      const answer = await call<VerifyApiKeyAnswer>(verify, ctxAsGeneric, { key })
      if (!answer.valid || !answer.key) {
        throw refused(answer.error?.message ?? 'Better Auth refused it.')
      }
      // A key belongs to a user or (`references: 'organization'`) an organization; only a user can
      // be a Payload user.
      const owner = (await ctx.context.internalAdapter.findUserById(
        answer.key.referenceId,
      )) as OwnerRow | null
      if (!owner) {
        throw refused(
          'it does not belong to a user (an organization key, or its user was deleted).',
        )
      }
      const banExpires = owner.banExpires ?? null
      const result: ApiKeyVerificationResult = {
        userId: owner.id,
        keyId: answer.key.id,
        permissions: normalizeApiKeyPermissions(answer.key.permissions),
        role: owner.role ?? null,
        banned: owner.banned ?? null,
        banExpires: banExpires instanceof Date ? banExpires.toISOString() : banExpires,
      }
      return ctx.json(result)
    },
  )
}
