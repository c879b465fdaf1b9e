// Client components of the admin panel, referenced through Payload's import map.
export {
  BetterAuthLoginForm,
  type BetterAuthLoginFormProps,
} from '../payload/admin/BetterAuthLoginForm.tsx'
