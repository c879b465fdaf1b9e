import { type DoctorAuth, syncPluginOf } from './sides.ts'

/**
 * Whether the app runs the shared-database topology: Better Auth on `payloadAdapter`, without
 * payloadBetterAuthPlugin. Nothing is synced there, so the sync's checks do not apply. An instance
 * with neither is checked as synced, whose checks name the missing plugin.
 */
export async function isSharedDatabase(auth: DoctorAuth): Promise<boolean> {
  if (syncPluginOf(auth)) return false
  const context = await auth.$context
  return context?.adapter.id === 'payload'
}
