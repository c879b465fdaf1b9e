import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { genericOAuth } from 'better-auth/plugins'
import { createMemoryEventBus } from 'payload-better-auth/eventBus'
import { createMemoryStorage } from 'payload-better-auth/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPayload, type TestPayload } from './helpers/payload.ts'
import { cookieOf, createSyncedAuth } from './helpers/syncedAuth.ts'

// A social account linked through a real OAuth 2 round trip against a fake provider on localhost:
// Better Auth exchanges the code and reads the profile over HTTP, links the account, and the sync
// mirrors it into Payload before the callback answers.

describe('social account', () => {
  let app: TestPayload
  let provider: ReturnType<typeof createServer>
  let providerUrl = ''
  const requests: string[] = []
  const email = 'social@example.com'

  beforeAll(async () => {
    provider = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`)
      response.setHeader('content-type', 'application/json')
      if (request.url?.startsWith('/token')) {
        response.end(
          JSON.stringify({
            access_token: 'fake-access-token',
            token_type: 'Bearer',
            expires_in: 3600,
          }),
        )
      } else if (request.url?.startsWith('/userinfo')) {
        response.end(
          JSON.stringify({
            id: 'fake-user-42',
            sub: 'fake-user-42',
            email,
            email_verified: true,
            name: 'Social Sam',
          }),
        )
      } else {
        response.statusCode = 404
        response.end('{}')
      }
    })
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve))
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`
    app = await startPayload('sqlite', {
      plugin: { storage: createMemoryStorage(), eventBus: createMemoryEventBus() },
    })
  })
  afterAll(async () => {
    await app?.close()
    provider?.close()
  })

  it('is mirrored into __better_auth_social and the user relationship when linked', async () => {
    const storage = createMemoryStorage()
    const { auth } = await createSyncedAuth({
      payload: async () => app.payload,
      config: app.payload.config,
      storage,
      eventBus: createMemoryEventBus(),
      plugins: [
        genericOAuth({
          config: [
            {
              providerId: 'fake',
              clientId: 'client',
              clientSecret: 'secret',
              authorizationUrl: `${providerUrl}/authorize`,
              tokenUrl: `${providerUrl}/token`,
              userInfoUrl: `${providerUrl}/userinfo`,
              scopes: ['openid', 'email'],
            },
          ],
        }),
      ],
    })
    const { headers, response } = await auth.api.signUpEmail({
      body: { email, password: 'correct-horse-battery', name: 'Sam' },
      returnHeaders: true,
    })
    const session = cookieOf(headers)

    const link = await auth.api.linkSocialAccount({
      body: { provider: 'fake', callbackURL: 'http://localhost:3000/done' },
      headers: new Headers({ cookie: session }),
      returnHeaders: true,
    })
    const state = new URL(link.response.url as string).searchParams.get('state') as string
    const stateCookies = (link.headers.get('set-cookie') ?? '')
      .split(/,(?=\s*[\w.-]+=)/)
      .map((part) => part.split(';')[0]?.trim())
      .filter(Boolean)
      .join('; ')
    const callback = await auth.handler(
      new Request(
        `http://localhost:3000/api/auth/callback/fake?code=fake-code&state=${encodeURIComponent(state)}`,
        {
          headers: { cookie: [session, stateCookies].filter(Boolean).join('; ') },
        },
      ),
    )
    expect(requests.map((r) => r.split('?')[0])).toEqual(['POST /token', 'GET /userinfo'])
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toContain('/done')

    const { docs } = await app.payload.find({
      collection: 'users',
      where: { baUserId: { equals: response.user.id } },
      depth: 1,
    })
    const social = docs[0]?.socialAccounts as
      | Array<{ providerId: string; accountId: string }>
      | undefined
    expect(social?.map((account) => `${account.providerId}:${account.accountId}`)).toEqual([
      'fake:fake-user-42',
    ])
    expect((docs[0]?.emailPasswordAccount as { email: string } | undefined)?.email).toBe(email)
  })
})
