import { exchangeCode } from '../../../../lib/fakeOAuth.ts'

// Demo OAuth's token endpoint (see lib/fakeOAuth.ts): Better Auth's server trades the code here.

export const dynamic = 'force-dynamic'

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' }

export async function POST(request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text())
  const result = exchangeCode(form, request.headers.get('authorization'))
  if (!result.ok) {
    return Response.json(
      { error: result.error, error_description: result.description },
      { status: result.status, headers: noStore },
    )
  }
  return Response.json(result.body, { headers: noStore })
}
