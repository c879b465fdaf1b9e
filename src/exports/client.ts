// Client components of the admin panel, referenced through Payload's import map.
export {
  AccountSecurity,
  type AccountSecurityProps,
} from '../payload/admin/AccountSecurity.tsx'
export { AccountSecurityLink } from '../payload/admin/AccountSecurityLink.tsx'
export {
  BetterAuthLoginForm,
  type BetterAuthLoginFormProps,
} from '../payload/admin/BetterAuthLoginForm.tsx'
export {
  BetterAuthForgotPasswordForm,
  type BetterAuthForgotPasswordFormProps,
  BetterAuthResetPasswordForm,
  type BetterAuthResetPasswordFormProps,
} from '../payload/admin/BetterAuthPasswordForms.tsx'
export {
  StopImpersonatingButton,
  type StopImpersonatingButtonProps,
} from '../payload/admin/StopImpersonatingButton.tsx'
export { UserManagement, type UserManagementProps } from '../payload/admin/UserManagement.tsx'
