// The account-security view's pure logic, kept out of the components so it is tested on its own:
// naming a session's device, reading an authenticator's setup key from Better Auth's otpauth URI,
// drawing that URI as a QR code locally, and the text of a backup-codes download.

import { renderSVG } from 'uqr'

/** Where the account-security view lives in the admin, next to Payload's `/account`. */
export const ACCOUNT_SECURITY_PATH: `/${string}` = '/account/security'

/** What an `otpauth://totp/...` URI carries (Better Auth's `/two-factor/enable` returns one). */
export interface OtpauthDetails {
  /** The shared secret, base32, as an authenticator app's "enter a setup key" asks for it. */
  secret: string
  /** Who issued it (the app name), when the URI says. */
  issuer?: string
  /** The account it is for (the user's email). */
  account?: string
  digits: number
  period: number
  algorithm: string
}

/** Reads an otpauth URI; `undefined` when it is not one or carries no secret. */
export function parseOtpauthURI(uri: string): OtpauthDetails | undefined {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return undefined
  }
  if (url.protocol !== 'otpauth:') return undefined
  const secret = url.searchParams.get('secret')
  if (!secret) return undefined
  // The label is "issuer:account" or "account", percent-encoded.
  const label = decodeURIComponent(url.pathname.replace(/^\/+/, ''))
  const colon = label.indexOf(':')
  const labelIssuer = colon >= 0 ? label.slice(0, colon).trim() : undefined
  const account = (colon >= 0 ? label.slice(colon + 1) : label).trim() || undefined
  const issuer = url.searchParams.get('issuer') || labelIssuer || undefined
  const number = (name: string, fallback: number) => {
    const value = Number(url.searchParams.get(name))
    return Number.isInteger(value) && value > 0 ? value : fallback
  }
  return {
    secret: secret.replace(/\s+/g, '').toUpperCase(),
    issuer,
    account,
    digits: number('digits', 6),
    period: number('period', 30),
    algorithm: (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase(),
  }
}

/** The otpauth URI as an SVG QR code, drawn here (the secret never leaves the browser). */
export function qrCodeSVG(uri: string): string {
  // Dark modules on white in either theme: authenticator apps read that best.
  return renderSVG(uri, { ecc: 'M', border: 2, pixelSize: 6 })
}

/** The same, as a URL an `<img>` can show. */
export function qrCodeDataURL(uri: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrCodeSVG(uri))}`
}

/** The content of the backup-codes download: a header, then one code a line. */
export function backupCodesText(
  codes: readonly string[],
  { account, issuer, date = new Date() }: { account?: string; issuer?: string; date?: Date } = {},
): string {
  const who = [issuer, account].filter(Boolean).join(' - ')
  return [
    `Two-factor backup codes${who ? ` for ${who}` : ''}`,
    `Generated ${date.toISOString()}. Each code works once.`,
    '',
    ...codes,
    '',
  ].join('\n')
}

/** A short name for the device behind a user agent, e.g. "Firefox on Linux". */
export function describeUserAgent(userAgent: string | null | undefined): string | undefined {
  const ua = userAgent?.trim()
  if (!ua) return undefined
  const browser = browserName(ua)
  const os = osName(ua)
  if (browser && os) return `${browser} on ${os}`
  return browser ?? os ?? (ua.length > 60 ? `${ua.slice(0, 57)}...` : ua)
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const browsers: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\b(?:Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\bcurl\//, 'curl'],
  [/\bnode(?:-fetch)?\b|\bundici\b/i, 'Node.js'],
  [/\bPostmanRuntime\//, 'Postman'],
]

const systems: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
]

function browserName(ua: string): string | undefined {
  return browsers.find(([pattern]) => pattern.test(ua))?.[1]
}

function osName(ua: string): string | undefined {
  return systems.find(([pattern]) => pattern.test(ua))?.[1]
}
