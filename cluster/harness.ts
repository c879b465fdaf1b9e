// `npm run cluster`: the demo as it is deployed at scale, under faults. A private PostgreSQL and
// Redis, the Better Auth service, N app instances behind HAProxy; load runs throughout while the
// faults happen one after another; then the checks: no acknowledged sign-up missing from Payload,
// no request answered as another user, a session revoked through one instance refused by all,
// one reconcile claimed per Payload start. See README, "Deploying several instances".
import { Redis } from 'ioredis'
import pg from 'pg'
import { startDeployment } from './deployment.ts'
import { errorRate, startLoad } from './load.ts'
import type { ManagedProcess } from './processes.ts'
import { waitFor } from './services.ts'

export interface ClusterOptions {
  /** App instances behind the load balancer. Default 3. */
  instances?: number
  /** Virtual users at a time. Default 20. */
  users?: number
  /** How long Payload's database stays stopped in that fault (ms). Default 30 000. */
  databaseDownMs?: number
  /** Load before the first fault and between faults (ms). Default 5 000. */
  calmMs?: number
  /** Builds the demo for production (once). */
  build(): Promise<void>
  log?(message: string): void
}

export interface FaultRow {
  fault: string
  'seconds to recover': string
  'error rate during fault': string
}

export interface ClusterReport {
  faults: FaultRow[]
  acknowledged: number
  inPayload: number
  lost: number
  wrongUser: number
  requests: number
  revokedEverywhere: boolean
  payloadStarts: number
  reconcilesClaimed: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runCluster(options: ClusterOptions): Promise<ClusterReport> {
  const log = options.log ?? ((message: string) => console.log(`[cluster] ${message}`))
  const instances = options.instances ?? 3
  const calmMs = options.calmMs ?? 5_000
  const databaseDownMs = options.databaseDownMs ?? 30_000
  const runId = Date.now().toString(36)
  const cleanups: Array<() => Promise<void>> = []
  try {
    log('building the demo for production')
    await options.build()
    const {
      postgres,
      redis,
      service,
      apps,
      url: lbURL,
      env,
    } = await startDeployment({
      instances,
      cleanups,
      log,
    })
    // Payload starts: each app instance's, and the Better Auth service's own Payload (its sync
    // writes through the Local API), each announced to Better Auth and reconciled once.
    let payloadStarts = instances + 1
    log(`load balancer at ${lbURL}; load with ${options.users ?? 20} virtual users`)

    const load = startLoad({ url: lbURL, users: options.users ?? 20, runId })
    let probes = 0
    let lastProbeFailure = ''
    /** A fresh sign-up through the load balancer, then Payload naming that user. */
    const probe = async () => {
      probes++
      const email = `probe-${runId}-${probes}@example.com`
      // An address per probe: Better Auth limits sign-ups per address.
      const headers = {
        'content-type': 'application/json',
        origin: lbURL,
        'x-forwarded-for': `192.0.${(probes >> 8) & 255}.${probes & 255}`,
      }
      const signUp = await fetch(`${lbURL}/api/auth/sign-up/email`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email, password: 'probe-password-123', name: 'Probe' }),
        signal: AbortSignal.timeout(5_000),
      })
      const cookie = signUp.headers.getSetCookie().find((l) => l.includes('session_token='))
      if (!signUp.ok || !cookie) {
        lastProbeFailure = `sign-up ${signUp.status}: ${(await signUp.text()).slice(0, 300)}`
        return false
      }
      const me = await fetch(`${lbURL}/api/users/me`, {
        headers: { cookie: cookie.split(';')[0] as string, 'sec-fetch-site': 'same-origin' },
        signal: AbortSignal.timeout(5_000),
      })
      const body = (await me.json()) as { user?: { email?: string } | null }
      lastProbeFailure = `me ${me.status}: ${JSON.stringify(body).slice(0, 300)}`
      return body.user?.email === email
    }
    const recovered = (what: string, timeoutMs: number) =>
      waitFor(probe, timeoutMs).catch(() => {
        const outputs = [service, ...apps]
          .map((process) => `--- ${process.name} ---\n${process.output().slice(-3000)}`)
          .join('\n')
        throw new Error(`${what}; the last probe: ${lastProbeFailure}\n${outputs}`)
      })
    await recovered('the cluster does not work before any fault', 60_000)

    const faults: Array<{ name: string; inject(): Promise<void>; heal(): Promise<void> }> = [
      {
        name: 'kill -9 an app instance',
        inject: () => (apps[0] as ManagedProcess).kill(),
        heal: async () => {
          await (apps[0] as ManagedProcess).start()
          payloadStarts++
        },
      },
      {
        name: 'kill -9 the Better Auth service',
        inject: service.kill,
        heal: async () => {
          await service.start()
          payloadStarts++
        },
      },
      { name: 'restart Redis', inject: redis.stop, heal: redis.start },
      { name: 'restart PostgreSQL', inject: postgres.stop, heal: postgres.start },
      {
        name: `stop Payload's database for ${Math.round(databaseDownMs / 1000)} s`,
        inject: postgres.stop,
        heal: async () => {
          await sleep(databaseDownMs)
          await postgres.start()
        },
      },
    ]
    const rows: FaultRow[] = []
    await sleep(calmMs)
    for (const fault of faults) {
      log(fault.name)
      const started = Date.now()
      await fault.inject()
      await fault.heal()
      await recovered(`no recovery within 180 s after "${fault.name}"`, 180_000)
      const recoveredAt = Date.now()
      rows.push({
        fault: fault.name,
        'seconds to recover': ((recoveredAt - started) / 1000).toFixed(1),
        'error rate during fault': `${(errorRate(load.report.samples, started, recoveredAt) * 100).toFixed(1)}%`,
      })
      await sleep(calmMs)
    }
    const report = await load.stop()

    log('waiting for the sync queue to drain')
    const token = env.RECONCILE_TOKEN as string
    await waitFor(async () => {
      const status = await fetch(`${service.url}/api/auth/reconcile/status`, {
        headers: { 'x-reconcile-token': token },
      })
      return ((await status.json()) as { queueSize: number }).queueSize === 0
    }, 300_000)

    const client = new pg.Client({ connectionString: postgres.url })
    await client.connect()
    const emails = [...report.acknowledged]
    const found = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM users WHERE email = ANY($1)',
      [emails],
    )
    await client.end()
    const inPayload = Number(found.rows[0]?.n ?? 0)

    // A session revoked through the load balancer is refused by every instance at its next request.
    const email = `revoked-${runId}@example.com`
    const signUp = await fetch(`${lbURL}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: lbURL,
        'x-forwarded-for': '192.0.2.2',
      },
      body: JSON.stringify({ email, password: 'revoked-password-123', name: 'Revoked' }),
    })
    const cookie = (
      signUp.headers.getSetCookie().find((l) => l.includes('session_token=')) ?? ''
    ).split(';')[0] as string
    const meOn = async (app: ManagedProcess) =>
      (
        (await (
          await fetch(`${app.url}/api/users/me`, {
            headers: { cookie, 'sec-fetch-site': 'same-origin' },
          })
        ).json()) as {
          user?: { email?: string } | null
        }
      ).user?.email ?? null
    const before = await Promise.all(apps.map(meOn))
    await fetch(`${lbURL}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie, origin: lbURL, 'content-type': 'application/json' },
      body: '{}',
    })
    const after = await Promise.all(apps.map(meOn))
    const revokedEverywhere =
      before.every((seen) => seen === email) && after.every((seen) => seen === null)

    const keys = new Redis(redis.url)
    const reconcilesClaimed = (await keys.keys('ba:reconcile:lock:*')).length
    keys.disconnect()

    return {
      faults: rows,
      acknowledged: emails.length,
      inPayload,
      lost: emails.length - inPayload,
      wrongUser: report.wrongUser,
      requests: report.requests,
      revokedEverywhere,
      payloadStarts,
      reconcilesClaimed,
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  }
}
