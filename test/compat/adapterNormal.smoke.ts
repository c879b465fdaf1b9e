import { inject } from 'vitest'
import { runAdapterSuite } from '../helpers/adapterSuite.ts'

// Better Auth's adapter suite, its normal part only, against payloadAdapter on Payload's SQLite
// adapter and (when PostgreSQL answers; CI requires it) on its Postgres adapter. The whole suite,
// every part, runs in `npm test` on the versions package.json installs.
await runAdapterSuite('sqlite', ['normal'])
if (inject('postgresUrl') || inject('servicesRequired'))
  await runAdapterSuite('postgres', ['normal'])
