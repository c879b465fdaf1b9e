import {
  authFlowTestSuite,
  caseInsensitiveTestSuite,
  joinsTestSuite,
  normalTestSuite,
  numberIdTestSuite,
  testAdapter,
  transactionsTestSuite,
  uuidTestSuite,
} from '@better-auth/test-utils/adapter'
import { payloadAdapter } from 'payload-better-auth/adapter'
import { suitePayloads } from './helpers/adapterSuite.ts'

// Better Auth's own adapter suite, against payloadAdapter on Payload's SQLite adapter.
// Every suite runs whole: no test is disabled (a disabled one would be listed here with its reason).
const payloads = suitePayloads('sqlite')

const { execute } = await testAdapter({
  adapter: () => payloadAdapter({ payload: () => payloads.payload() }),
  runMigrations: (options) => payloads.runMigrations(options),
  prefixTests: 'sqlite',
  tests: [
    normalTestSuite(),
    transactionsTestSuite(),
    authFlowTestSuite(),
    numberIdTestSuite(),
    joinsTestSuite(),
    uuidTestSuite(),
    caseInsensitiveTestSuite(),
  ],
  onFinish: () => payloads.close(),
})

execute()
