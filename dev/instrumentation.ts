// Runs once when the server starts, before it serves requests: Payload connects (in production it
// runs the committed migrations), Better Auth creates or updates its tables, and the two plugins
// meet (start-up timestamps, first reconcile) without waiting for a visitor.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const [{ getPayload }, { default: config }, { getAuth }] = await Promise.all([
    import('payload'),
    import('./payload.config.ts'),
    import('./lib/auth.ts'),
  ])
  await getPayload({ config })
  // With a Better Auth service of its own, this app runs none.
  if (!process.env.BETTER_AUTH_SERVICE_URL) await getAuth()
}
