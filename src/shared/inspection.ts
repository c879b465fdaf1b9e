// `payload-better-auth doctor` (and `migrate`) loads the app's Better Auth module to read its options, and
// `betterAuth()` runs the plugins' init at once. A process that only inspects must not act as a
// Better Auth instance: no worker (it would start Payload to apply a task), no start-up protocol,
// no probe. A global flag (not a module variable): the app may load another copy of this library.

const INSPECTING = Symbol.for('payload-better-auth.inspecting')

/** From now on this process only inspects the app (set by the CLI before it loads the app). */
export function beginInspection(): void {
  ;(globalThis as { [INSPECTING]?: boolean })[INSPECTING] = true
}

export const isInspecting = (): boolean =>
  (globalThis as { [INSPECTING]?: boolean })[INSPECTING] === true
