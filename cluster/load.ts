// The load: virtual users, each from an address of its own, sign up, sign in and read through the
// load balancer: `GET /api/users/me` (which must name them, never someone else) and
// `GET /api/posts`. Every request is recorded with its time and outcome, so the faults' windows
// can be read out afterwards. Bounded: `users` at a time, until `stop()`.

export interface Sample {
  at: number
  ok: boolean
}

export interface LoadReport {
  samples: Sample[]
  /** Emails whose sign-up Better Auth acknowledged (200). */
  acknowledged: Set<string>
  /** Requests answered as another user than the one whose cookie they carried. */
  wrongUser: number
  requests: number
}

const PASSWORD = 'cluster-password-123'

function sessionCookie(response: Response): string | null {
  const line = response.headers.getSetCookie().find((l) => l.includes('session_token='))
  return line ? (line.split(';')[0] as string) : null
}

export function startLoad({ url, users, runId }: { url: string; users: number; runId: string }) {
  const report: LoadReport = { samples: [], acknowledged: new Set(), wrongUser: 0, requests: 0 }
  let running = true
  let serial = 0
  const record = (ok: boolean) => {
    report.requests++
    report.samples.push({ at: Date.now(), ok })
  }
  const request = async (path: string, init: RequestInit & { address: string }) => {
    const { address, ...rest } = init
    return fetch(`${url}${path}`, {
      ...rest,
      // As a browser's same-origin fetch: Payload reads cookies only on same-origin requests.
      headers: {
        'content-type': 'application/json',
        origin: url,
        'sec-fetch-site': 'same-origin',
        'x-forwarded-for': address,
        ...(rest.headers as Record<string, string>),
      },
      signal: AbortSignal.timeout(15_000),
    }).catch(() => null)
  }

  async function virtualUser(slot: number) {
    while (running) {
      const n = ++serial
      const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
      const email = `load-${runId}-${n}@example.com`
      const signUp = await request('/api/auth/sign-up/email', {
        method: 'POST',
        address,
        body: JSON.stringify({ email, password: PASSWORD, name: `Load ${slot}` }),
      })
      record(signUp?.ok === true)
      if (!signUp?.ok) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        continue
      }
      report.acknowledged.add(email)
      let cookie = sessionCookie(signUp)
      for (let i = 0; i < 10 && running; i++) {
        if (i === 5) {
          const signIn = await request('/api/auth/sign-in/email', {
            method: 'POST',
            address,
            body: JSON.stringify({ email, password: PASSWORD }),
          })
          record(signIn?.ok === true)
          cookie = (signIn && sessionCookie(signIn)) ?? cookie
        }
        const me = await request('/api/users/me', {
          method: 'GET',
          address,
          headers: { cookie: cookie ?? '' },
        })
        const body = me?.ok
          ? ((await me.json().catch(() => null)) as { user?: { email?: string } | null } | null)
          : null
        const seen = body?.user?.email
        if (seen && seen !== email) report.wrongUser++
        record(seen === email)
        const posts = await request('/api/posts', {
          method: 'GET',
          address,
          headers: { cookie: cookie ?? '' },
        })
        record(posts?.ok === true)
      }
    }
  }

  const workers = Array.from({ length: users }, (_, slot) => virtualUser(slot))
  return {
    report,
    async stop(): Promise<LoadReport> {
      running = false
      await Promise.all(workers)
      return report
    },
  }
}

/** The error rate of the samples between two times. */
export function errorRate(samples: Sample[], from: number, to: number): number {
  const window = samples.filter((sample) => sample.at >= from && sample.at <= to)
  if (window.length === 0) return 0
  return window.filter((sample) => !sample.ok).length / window.length
}
