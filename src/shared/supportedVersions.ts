// The versions of our peers that CI tests (`.ci/compat`: the low end; `npm test`: the high end).
// package.json's `peerDependencies` say the same ranges; start-up refuses versions outside them.

/** Each peer's tested range, as a semver range. */
export const SUPPORTED_VERSIONS = {
  'better-auth': '>=1.7.0 <1.8.0',
  payload: '>=3.65.0 <3.91.0',
  next: '>=15.5.29 <17.0.0',
} as const

export type SupportedPeer = keyof typeof SUPPORTED_VERSIONS
