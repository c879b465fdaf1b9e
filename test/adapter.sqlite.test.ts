import { runAdapterSuite } from './helpers/adapterSuite.ts'

// Better Auth's own adapter suite, against payloadAdapter on Payload's SQLite adapter.
await runAdapterSuite('sqlite')
