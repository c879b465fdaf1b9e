// `npm run cluster [-- --instances 3 --users 20 --database-down-s 30]`: see harness.ts.
import { parseArgs } from 'node:util'
import { buildDemo } from '../test/helpers/demoApp.ts'
import { runCluster } from './harness.ts'

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    users: { type: 'string', default: '20' },
    'database-down-s': { type: 'string', default: '30' },
  },
})

const report = await runCluster({
  instances: Number(values.instances),
  users: Number(values.users),
  databaseDownMs: Number(values['database-down-s']) * 1000,
  build: () => buildDemo(`cluster-${Date.now()}`),
})
console.log('\nFaults (load running throughout)')
console.table(report.faults)
console.log('Checks')
console.table([
  { check: 'sign-ups acknowledged', value: report.acknowledged },
  { check: 'of them, users in Payload', value: report.inPayload },
  { check: 'lost sign-ups (must be 0)', value: report.lost },
  { check: 'requests answered as another user (must be 0)', value: report.wrongUser },
  { check: 'requests made', value: report.requests },
  {
    check: 'session revoked on one, refused on all',
    value: report.revokedEverywhere ? 'yes' : 'NO',
  },
  { check: 'Payload starts', value: report.payloadStarts },
  { check: 'reconciles claimed (one per start)', value: report.reconcilesClaimed },
])
const failed =
  report.lost !== 0 ||
  report.wrongUser !== 0 ||
  !report.revokedEverywhere ||
  report.reconcilesClaimed !== report.payloadStarts
process.exit(failed ? 1 : 0)
