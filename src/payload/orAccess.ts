import type { Access } from 'payload'

/**
 * The first rule that allows wins. Synchronous while the rules are: Payload evaluates every access
 * rule of every collection on each authenticated request (its permissions), so this is hot.
 */
export const orAccess =
  (...rules: Access[]): Access =>
  (args) => {
    for (let i = 0; i < rules.length; i++) {
      const result = (rules[i] as Access)(args)
      if (result instanceof Promise) {
        const rest = rules.slice(i + 1)
        return result.then((value) => value || (rest.length > 0 ? orAccess(...rest)(args) : false))
      }
      if (result) return result
    }
    return false
  }
