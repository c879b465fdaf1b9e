// Runs once when the server starts, before it serves requests: Payload connects (in production it
// runs the committed migrations), Better Auth creates or updates its tables, and the two plugins
// meet (start-up timestamps, first reconcile) without waiting for a visitor.
export async function register(): Promise<void> {
  // The imports stay inside this test: webpack (Next 15's default bundler) drops the block from
  // the Edge build only when it is written this way; after an early return it would bundle
  // Payload for the Edge runtime and fail ("Can't resolve 'crypto'").
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const [{ getPayload }, { default: config }, { getAuth }] = await Promise.all([
      import('payload'),
      import('./payload.config.ts'),
      import('./lib/auth.ts'),
    ])
    await getPayload({ config })
    // With a Better Auth service of its own, this app runs none.
    if (!process.env.BETTER_AUTH_SERVICE_URL) await getAuth()
  }
}
