import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { CHROMIUM_PATH } from '../helpers/browser.ts'

/**
 * The browser tests drive Debian's Chromium. When it is missing and this runs as root on Debian,
 * it is installed here (`apt-get install chromium`), so one `npm test` sets a fresh machine up.
 * Returns whether Chromium is there.
 */
export function ensureChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
  if (!canInstall) return false
  console.log(`\nChromium is missing at ${CHROMIUM_PATH}: installing Debian's package (once)…`)
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0
  // A stale package index is the usual reason the first attempt fails.
  const installed =
    install() || (spawnSync('apt-get', ['update'], { stdio: 'ignore' }).status === 0 && install())
  return installed && existsSync(CHROMIUM_PATH)
}
