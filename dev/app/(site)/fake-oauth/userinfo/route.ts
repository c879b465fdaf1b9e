import { userInfo } from '../../../../lib/fakeOAuth.ts'

// Demo OAuth's userinfo endpoint (see lib/fakeOAuth.ts): the profile behind a Bearer token.

export const dynamic = 'force-dynamic'

export function GET(request: Request): Response {
  const profile = userInfo(request.headers.get('authorization'))
  if (!profile) {
    return Response.json(
      { error: 'invalid_token' },
      { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    )
  }
  return Response.json(profile, { headers: { 'cache-control': 'no-store' } })
}
