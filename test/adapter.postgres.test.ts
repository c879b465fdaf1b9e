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
import { describe, inject, it } from 'vitest'
import { suitePayloads } from './helpers/adapterSuite.ts'

// Better Auth's own adapter suite, against payloadAdapter on Payload's Postgres adapter.
// Every suite runs whole: no test is disabled (a disabled one would be listed here with its reason).
if (inject('postgresUrl')) {
  const payloads = suitePayloads('postgres')
  const { execute } = await testAdapter({
    adapter: () => payloadAdapter({ payload: () => payloads.payload() }),
    runMigrations: (options) => payloads.runMigrations(options),
    prefixTests: 'postgres',
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
} else if (inject('servicesRequired')) {
  it('needs PostgreSQL', () => {
    throw new Error(
      'CI=true requires PostgreSQL, and it does not answer: the adapter suite cannot run',
    )
  })
} else {
  describe.skip('payloadAdapter on Postgres (PostgreSQL does not answer)', () => {
    it('runs Better Auth adapter suite', () => {})
  })
}
