// Authenticated Payload REST requests per second through the demo's production build behind
// HAProxy (two app instances, the Better Auth service, PostgreSQL and Redis of their own, as
// `npm run cluster` runs them), in one run and on the same servers:
// - the plugin's strategy: a Better Auth session cookie, checked against the shared storage;
// - Payload's own password login: its JWT (a collection with Payload's local strategy);
// - Better Auth's `get-session` over HTTP on every request, then the Payload user (what other
//   integrations do).
// The comparison collection and strategy exist only with DEMO_BENCH_COMPARISONS=1.
import { randomBytes } from 'node:crypto'
import { startDeployment } from '../cluster/deployment.ts'
import { buildDemo } from '../test/helpers/demoApp.ts'
import { percentile } from './measure.ts'

const INSTANCES = 2
const CONCURRENCY = 16
const ROUND_MS = 6_000
const ROUNDS = 2
const PATH = '/api/posts?limit=1&depth=0'

export interface ThroughputRow {
  credential: string
  'requests/s': number
  'p50 ms': string
  'p99 ms': string
  'vs ours': string
}

/** Requests with `headers`, `CONCURRENCY` at a time for `ROUND_MS`; every answer must be a 200. */
async function round(url: string, headers: Record<string, string>) {
  const latencies: number[] = []
  const until = Date.now() + ROUND_MS
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const sent = performance.now()
        const response = await fetch(`${url}${PATH}`, { headers })
        const body = (await response.json()) as { docs?: unknown[] }
        if (response.status !== 200 || body.docs?.length !== 1) {
          throw new Error(
            `${Object.keys(headers).join('+')}: an authenticated read answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`,
          )
        }
        latencies.push(performance.now() - sent)
      }
    }),
  )
  return { latencies, seconds: (performance.now() - started) / 1000 }
}

export async function benchThroughLoadBalancer(): Promise<ThroughputRow[]> {
  const cleanups: Array<() => Promise<void>> = []
  try {
    await buildDemo(`bench-${Date.now()}`)
    const password = randomBytes(12).toString('hex')
    const { url: lbURL } = await startDeployment({
      instances: INSTANCES,
      env: { DEMO_BENCH_COMPARISONS: '1', DEMO_BENCH_PASSWORD: password },
      cleanups,
    })

    // A Better Auth user (synced into Payload inline) and Payload's own login.
    const signUp = await fetch(`${lbURL}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: lbURL },
      body: JSON.stringify({ email: 'bench@example.com', password, name: 'Bench' }),
    })
    const cookie = signUp.headers
      .getSetCookie()
      .find((line) => line.includes('session_token='))
      ?.split(';')[0]
    if (!signUp.ok || !cookie) throw new Error(`sign-up answered ${signUp.status}`)
    const login = await fetch(`${lbURL}/api/payload-logins/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench-login@example.com', password }),
    })
    const { token } = (await login.json()) as { token?: string }
    if (!login.ok || !token) throw new Error(`Payload's login answered ${login.status}`)

    const kinds: Array<{ credential: string; headers: Record<string, string> }> = [
      {
        credential: 'Better Auth session cookie (this plugin)',
        // As a browser's same-origin fetch: Payload reads cookies only on same-origin requests.
        headers: { cookie, 'sec-fetch-site': 'same-origin' },
      },
      { credential: "Payload's own JWT login", headers: { authorization: `JWT ${token}` } },
      {
        credential: 'Better Auth get-session over HTTP per request',
        headers: { 'x-bench-cookie': cookie },
      },
    ]
    const results = kinds.map(() => ({ latencies: [] as number[], seconds: 0 }))
    // Warm up every path, then alternate, so that drift hits all three alike.
    for (const kind of kinds) await round(lbURL, kind.headers)
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, kind] of kinds.entries()) {
        const { latencies, seconds } = await round(lbURL, kind.headers)
        const result = results[i] as (typeof results)[number]
        result.latencies.push(...latencies)
        result.seconds += seconds
      }
    }
    const rps = results.map((result) => result.latencies.length / result.seconds)
    const ours = rps[0] as number
    return kinds.map((kind, i) => {
      const result = results[i] as (typeof results)[number]
      return {
        credential: kind.credential,
        'requests/s': Math.round(rps[i] as number),
        'p50 ms': percentile(result.latencies, 50).toFixed(1),
        'p99 ms': percentile(result.latencies, 99).toFixed(1),
        'vs ours': `${((rps[i] as number) / ours).toFixed(2)}x`,
      }
    })
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  }
}
