// What the global setup hands to the test files (through `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis to test against, or null when it does not answer. */
    redisUrl: string | null
    /** A PostgreSQL server to create test databases on, or null when it does not answer. */
    postgresUrl: string | null
    /** Chromium for the browser tests, or null when it is missing and could not be installed. */
    chromiumPath: string | null
    /** CI=true: a missing service fails its tests instead of skipping them. */
    servicesRequired: boolean
    /** One per `vitest run`: test files that need the same demo build share the one made for it. */
    runId: string
  }
}

export {}
