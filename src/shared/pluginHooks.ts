// The plugin's own Payload hooks carry a mark, so that code judging a collection (may the full
// reconcile write it through the database adapter?) can tell them from the app's hooks. A global
// symbol: a second copy of this module (two bundles) marks and reads the same way.
const PLUGIN_HOOK = Symbol.for('payload-better-auth.hook')

/** Marks a hook as the plugin's own; returns it. */
export function pluginHook<Hook extends object>(hook: Hook): Hook {
  Object.defineProperty(hook, PLUGIN_HOOK, { value: true })
  return hook
}

export const isPluginHook = (hook: unknown): boolean =>
  typeof hook === 'function' && PLUGIN_HOOK in hook
