import { expect, it } from 'vitest'
import { runCluster } from '../cluster/harness.ts'
import { buildOnce, describeBrowser } from './helpers/demoStory.ts'

// The shortened battery of `npm run cluster`: two app instances and the Better Auth service
// behind HAProxy, on a private PostgreSQL and Redis, load throughout, each fault once (the
// database stopped for 10 s instead of 30). Nothing acknowledged may be lost, no request may be
// answered as another user, a revoked session is refused everywhere, one reconcile per start.

describeBrowser('cluster under faults (npm run cluster, shortened)', () => {
  it('loses no sign-up and answers no request as another user', async () => {
    const report = await runCluster({
      instances: 2,
      users: 8,
      databaseDownMs: 10_000,
      calmMs: 3_000,
      build: buildOnce,
      log: () => {},
    })
    console.table(report.faults)
    expect(report.acknowledged).toBeGreaterThan(0)
    expect(report.lost).toBe(0)
    expect(report.wrongUser).toBe(0)
    expect(report.revokedEverywhere).toBe(true)
    expect(report.reconcilesClaimed).toBe(report.payloadStarts)
    expect(report.faults).toHaveLength(5)
  }, 900_000)
})
