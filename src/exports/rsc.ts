// Server components of the admin panel, referenced through Payload's import map.

export {
  AccountSecurityView,
  type AccountSecurityViewProps,
} from '../payload/admin/AccountSecurityView.tsx'
export {
  BetterAuthLoginView,
  type BetterAuthLoginViewProps,
} from '../payload/admin/BetterAuthLoginView.tsx'
export {
  BetterAuthForgotPasswordView,
  type BetterAuthPasswordViewProps,
  BetterAuthResetPasswordView,
} from '../payload/admin/BetterAuthPasswordViews.tsx'
export {
  ImpersonationBanner,
  type ImpersonationBannerProps,
} from '../payload/admin/ImpersonationBanner.tsx'
export type { BetterAuthLoginViewConfig } from '../payload/options.ts'
