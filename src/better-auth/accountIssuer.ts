import type { AuthContext } from 'better-auth'

/**
 * What an account this library creates for a local method (`credential`, `magic-link`) must carry
 * besides its provider: Better Auth 1.7.0 to 1.7.x (before the column went away) stores an `issuer`
 * on every account, `local:<provider>` for local methods (its `createLocalAccountIssuer`), and signs
 * in only with a credential account that has it.
 */
export function localAccountIssuer(
  tables: AuthContext['tables'],
  providerId: string,
): { issuer?: string } {
  return tables.account && 'issuer' in tables.account.fields
    ? { issuer: `local:${encodeURIComponent(providerId)}` }
    : {}
}
