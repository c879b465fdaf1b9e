import type { Reporter, SerializedError, TestModule } from 'vitest/node'

export interface SummaryLineOptions {
  /**
   * Print the line only when something failed. The compatibility job's run (test/compat) follows
   * `npm test` in CI: its line on failure is the last one and says so, while a green compat run
   * leaves the main run's line last.
   */
  onlyWhenFailed?: boolean
}

/** Ends the run with one plain "N passed, N failed, N skipped" line that any CI log reader understands. */
export default class SummaryLineReporter implements Reporter {
  readonly options: SummaryLineOptions

  constructor(options: SummaryLineOptions = {}) {
    this.options = options
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ) {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 }
    for (const module of testModules) {
      let failedTests = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') failedTests++
        else counts.skipped++
      }
      // A file that fails before its tests run (an import error, a failing beforeAll) counts too.
      counts.failed += failedTests || (module.state() === 'failed' ? 1 : 0)
    }
    if (this.options.onlyWhenFailed && counts.failed === 0) return
    console.log(
      `vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    )
  }
}
