import { describe, inject, it } from 'vitest'
import { runAdapterSuite } from './helpers/adapterSuite.ts'

// Better Auth's own adapter suite, against payloadAdapter on Payload's Postgres adapter.
if (inject('postgresUrl')) {
  await runAdapterSuite('postgres')
} else if (inject('servicesRequired')) {
  it('needs PostgreSQL', () => {
    throw new Error(
      'CI=true requires PostgreSQL, and it does not answer: the adapter suite cannot run',
    )
  })
} else {
  describe.skip('payloadAdapter on Postgres (PostgreSQL does not answer)', () => {
    it("runs Better Auth's adapter suite", () => {})
  })
}
