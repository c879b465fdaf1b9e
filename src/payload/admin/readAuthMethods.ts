import type { AuthMethod } from '../../shared/methods.ts'
import type { BetterAuthLoginViewConfig } from '../options.ts'

/** Better Auth's `GET /methods` at its internal URL; `{ error }` when it does not answer. */
export async function readAuthMethods(
  betterAuth: BetterAuthLoginViewConfig,
): Promise<{ methods: AuthMethod[] } | { error: true }> {
  const url = `${betterAuth.internalBaseURL}${betterAuth.basePath}/methods`
  try {
    const response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(5_000) })
    if (!response.ok) throw new Error(`status ${response.status}`)
    return { methods: (await response.json()) as AuthMethod[] }
  } catch (error) {
    console.error(`[payload] could not read the sign-in methods from ${url}: ${error}`)
    return { error: true }
  }
}

/** The first value of a search parameter. */
export function searchParam(
  searchParams: { [key: string]: string | string[] | undefined } | undefined,
  name: string,
): string | undefined {
  const value = searchParams?.[name]
  return Array.isArray(value) ? value[0] : value
}
