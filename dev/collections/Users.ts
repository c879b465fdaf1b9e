import type { Access, CollectionConfig } from 'payload'

const isAdmin = (user: unknown): boolean => (user as { role?: string } | null)?.role === 'admin'
const adminOrSelf: Access = ({ req }) => isAdmin(req.user) || { id: { equals: req.user?.id } }

/**
 * The app's users. Better Auth owns them: the plugin adds `baUserId` and the account fields and
 * keeps every row in step with Better Auth; `role` comes from Better Auth's admin plugin.
 */
export const Users: CollectionConfig = {
  slug: 'users',
  admin: { useAsTitle: 'email', defaultColumns: ['email', 'name', 'role'] },
  access: {
    // Only admins get into the admin panel; everyone else uses the site.
    admin: ({ req }) => isAdmin(req.user),
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
      admin: { description: 'Set by Better Auth (admin plugin); changes there reach here.' },
    },
  ],
}
