import {
  checkAuthorizeRequest,
  DEMO_OAUTH_NAME,
  demoOAuthRedirectURI,
  isEmail,
  issueCode,
} from '../../../../lib/fakeOAuth.ts'

// Demo OAuth's authorization endpoint (see lib/fakeOAuth.ts): GET shows who to sign in as, the
// form posts back here, and the answer sends the browser to Better Auth's callback with a code.

export const dynamic = 'force-dynamic'

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

function page(params: URLSearchParams, error?: string, email = ''): Response {
  const hidden = [...params.entries()]
    .filter(([name]) => name !== 'email')
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n      ')
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Sign in to ${DEMO_OAUTH_NAME}</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; padding: 0 1rem; }
      label, input, button { display: block; width: 100%; box-sizing: border-box; font: inherit; }
      input { margin: 0.25rem 0 1rem; padding: 0.5rem; }
      button { padding: 0.6rem; cursor: pointer; }
      [role=alert] { color: #b00020; }
      small { color: #666; }
    </style>
  </head>
  <body>
    <h1>Sign in to ${DEMO_OAUTH_NAME}</h1>
    <p><small>A fake provider served by the demo: any address signs in, no password.</small></p>
    ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" aria-label="Sign in to ${DEMO_OAUTH_NAME}">
      ${hidden}
      <label for="email">Sign in to ${DEMO_OAUTH_NAME} as</label>
      <input id="email" name="email" type="email" required autocomplete="email" value="${escapeHtml(email)}">
      <button type="submit">Continue</button>
    </form>
  </body>
</html>`
  return new Response(html, {
    status: error ? 400 : 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  })
}

const invalidRequest = (message: string) =>
  new Response(`Demo OAuth: ${message}`, {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })

export function GET(request: Request): Response {
  const params = new URL(request.url).searchParams
  const problem = checkAuthorizeRequest(params)
  // A bad client or redirect URI is never redirected to (RFC 6749 §4.1.2.1).
  if (problem) return invalidRequest(problem)
  return page(params, undefined, params.get('login_hint') ?? '')
}

export async function POST(request: Request): Promise<Response> {
  const params = new URLSearchParams()
  for (const [name, value] of await request.formData()) {
    if (typeof value === 'string') params.append(name, value)
  }
  const problem = checkAuthorizeRequest(params)
  if (problem) return invalidRequest(problem)
  const email = (params.get('email') ?? '').trim()
  if (!isEmail(email)) return page(params, 'Enter an email address.', email)
  const back = new URL(demoOAuthRedirectURI)
  back.searchParams.set('code', issueCode(params, email))
  const state = params.get('state')
  if (state) back.searchParams.set('state', state)
  return new Response(null, { status: 303, headers: { location: back.toString() } })
}
