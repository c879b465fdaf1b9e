import type { Access, CollectionConfig } from 'payload'
import { hasAdminRole } from 'payload-better-auth'

const isAdmin = (user: unknown): boolean => (user as { role?: string } | null)?.role === 'admin'
// Signed out: nobody (a `{ id: { equals: undefined } }` query would be a database error, a 500).
const adminOrSelf: Access = ({ req }) =>
  req.user ? isAdmin(req.user) || { id: { equals: req.user.id } } : false

/**
 * The app's users. Better Auth owns them: the plugin adds `baUserId` and the account fields and
 * keeps every row in step with Better Auth; `role` comes from Better Auth's admin plugin. An
 * admin's edit of email, name or role here, "Create New" and delete are carried out by Better Auth
 * first (`mapPayloadToUser` in lib/auth.ts), so a reconcile never undoes them. Create is left to
 * the plugin's default: Better Auth admin roles only.
 */
export const Users: CollectionConfig = {
  slug: 'users',
  admin: { useAsTitle: 'email', defaultColumns: ['email', 'name', 'role'] },
  access: {
    // Admins and editors (Better Auth roles, from the session) get into the admin panel; everyone
    // else uses the site. An editor sees and edits only itself there.
    admin: ({ req }) => hasAdminRole(req.user, ['admin', 'editor']),
    read: adminOrSelf,
    update: ({ req }) => isAdmin(req.user),
    delete: ({ req }) => isAdmin(req.user),
  },
  fields: [
    { name: 'email', type: 'email', required: true },
    { name: 'name', type: 'text' },
    {
      name: 'role',
      type: 'select',
      options: ['admin', 'user'],
      defaultValue: 'user',
      admin: {
        description: "Better Auth's role (admin plugin): a change saved here is made there.",
      },
    },
  ],
}
