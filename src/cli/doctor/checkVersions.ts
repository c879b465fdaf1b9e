import { checkVersions, installedVersions } from '../../shared/versionCheck.ts'
import type { CheckLine } from './lines.ts'

/** The peers' versions against the supported ranges. */
export function versionLine(): CheckLine {
  const installed = installedVersions()
  const error = checkVersions(installed)
  if (error) return { status: 'FAIL', text: error.problem, fix: error.fix }
  const found = Object.entries(installed)
    .map(([peer, version]) => `${peer} ${version ?? '(not installed)'}`)
    .join(', ')
  return { status: 'ok', text: `supported versions: ${found}` }
}
