import type { Field } from 'payload'
import type { UserManagementProps } from './UserManagement.tsx'

/**
 * The user-management panel on a user's document: a `ui` field (no data) whose client component
 * offers Better Auth's admin actions. It asks Better Auth, from the browser, which plugins are on
 * (`GET /methods`) and what the acting user may do (`/admin/has-permission`), and shows only that.
 */
export function userManagementField(props: UserManagementProps): Field {
  return {
    name: 'betterAuthManage',
    type: 'ui',
    label: 'Better Auth',
    admin: {
      position: 'sidebar',
      disableListColumn: true,
      components: {
        Field: {
          path: 'payload-better-auth/client#UserManagement',
          clientProps: props,
        },
      },
    },
  }
}
