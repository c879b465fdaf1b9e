import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import semver from 'semver'
import { PayloadBetterAuthError } from './errors.ts'
import { SUPPORTED_VERSIONS, type SupportedPeer } from './supportedVersions.ts'

// Both plugins refuse to start next to a peer version outside the tested ranges: this library
// reaches into Better Auth's and Payload's internals (hooks, init merge, Local API context), and an
// untested version fails later, quietly, in the sync or in request auth.

/** Set to `1` (or `true`) to start anyway with an untested peer version: the check then only warns. */
export const ALLOW_UNSUPPORTED_VERSIONS_ENV = 'PAYLOAD_BETTER_AUTH_ALLOW_UNSUPPORTED_VERSIONS'

/** Each peer's installed version; null when it is not installed (or cannot be found). */
export type InstalledVersions = Record<SupportedPeer, string | null>

/**
 * The one error naming every peer outside its supported range, with the versions found and the
 * ranges; null when all are in range. A peer that is not installed is not judged (next is
 * optional; without better-auth or payload the plugins could not have been imported).
 */
export function checkVersions(
  installed: Partial<InstalledVersions>,
  supported: Readonly<Record<SupportedPeer, string>> = SUPPORTED_VERSIONS,
): PayloadBetterAuthError | null {
  const outside = (Object.keys(supported) as SupportedPeer[]).filter((peer) => {
    const version = installed[peer]
    return typeof version === 'string' && !semver.satisfies(version, supported[peer])
  })
  if (outside.length === 0) return null
  const found = outside
    .map((peer) => `${peer} ${installed[peer]} (supported: ${supported[peer]})`)
    .join(', ')
  return new PayloadBetterAuthError(
    `payload-better-auth does not support the installed ${found}.`,
    `Install a supported version (npm install ${outside.map((peer) => `"${peer}@${supported[peer]}"`).join(' ')}) or a payload-better-auth release that supports yours; to start anyway, untested, set ${ALLOW_UNSUPPORTED_VERSIONS_ENV}=1.`,
  )
}

/** The version in `name`'s package.json, found as Node resolves a bare `name` from `fromFile`. */
function versionFrom(fromFile: string, name: string): string | null {
  // Not `require.resolve('<name>/package.json')`: better-auth and payload do not export it.
  for (const dir of createRequire(fromFile).resolve.paths(name) ?? []) {
    const file = path.join(dir, name, 'package.json')
    if (!existsSync(file)) continue
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (manifest.name === name && typeof manifest.version === 'string') return manifest.version
  }
  return null
}

/** The installed versions of the peers, as this library resolves them. */
export function installedVersions(): InstalledVersions {
  // From this module first; from the app's directory when a bundler moved this module (or gave
  // it a URL Node cannot resolve from).
  const bases = [import.meta.url, path.join(process.cwd(), 'package.json')]
  const read = (name: string) => {
    for (const base of bases) {
      try {
        const version = versionFrom(base, name)
        if (version) return version
      } catch {
        // Not a place to resolve from: try the next one.
      }
    }
    return null
  }
  return {
    'better-auth': read('better-auth'),
    payload: read('payload'),
    next: read('next'),
  }
}

let installedOnce: InstalledVersions | undefined
const readOnce = () => {
  installedOnce ??= installedVersions()
  return installedOnce
}
const warned = new Set<string>()

/**
 * Throws the `checkVersions` error for the installed peers (read once per process; `installed`
 * replaces them), unless `PAYLOAD_BETTER_AUTH_ALLOW_UNSUPPORTED_VERSIONS` is set: then it warns,
 * once per process.
 */
export function assertSupportedVersions(
  owner: string,
  installed?: Partial<InstalledVersions>,
): void {
  const error = checkVersions(installed ?? readOnce())
  if (!error) return
  const allowed = ['1', 'true'].includes(
    (process.env[ALLOW_UNSUPPORTED_VERSIONS_ENV] ?? '').toLowerCase(),
  )
  if (!allowed) throw error
  if (warned.has(error.problem)) return
  warned.add(error.problem)
  console.warn(
    `${owner}: ${error.problem} Starting anyway because ${ALLOW_UNSUPPORTED_VERSIONS_ENV} is set.`,
  )
}
