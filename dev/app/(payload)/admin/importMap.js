import { AccountSecurityLink as AccountSecurityLink_4bd30199dc2f6ea9b837964c640b84ab } from 'payload-better-auth/client'
import { UserManagement as UserManagement_4bd30199dc2f6ea9b837964c640b84ab } from 'payload-better-auth/client'
import { ImpersonationBanner as ImpersonationBanner_0814f4521f2b1f0fcc391051cb30e62b } from 'payload-better-auth/rsc'
import { AccountSecurityView as AccountSecurityView_0814f4521f2b1f0fcc391051cb30e62b } from 'payload-better-auth/rsc'
import { BetterAuthLoginView as BetterAuthLoginView_0814f4521f2b1f0fcc391051cb30e62b } from 'payload-better-auth/rsc'
import { BetterAuthForgotPasswordView as BetterAuthForgotPasswordView_0814f4521f2b1f0fcc391051cb30e62b } from 'payload-better-auth/rsc'
import { BetterAuthResetPasswordView as BetterAuthResetPasswordView_0814f4521f2b1f0fcc391051cb30e62b } from 'payload-better-auth/rsc'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "payload-better-auth/client#AccountSecurityLink": AccountSecurityLink_4bd30199dc2f6ea9b837964c640b84ab,
  "payload-better-auth/client#UserManagement": UserManagement_4bd30199dc2f6ea9b837964c640b84ab,
  "payload-better-auth/rsc#ImpersonationBanner": ImpersonationBanner_0814f4521f2b1f0fcc391051cb30e62b,
  "payload-better-auth/rsc#AccountSecurityView": AccountSecurityView_0814f4521f2b1f0fcc391051cb30e62b,
  "payload-better-auth/rsc#BetterAuthLoginView": BetterAuthLoginView_0814f4521f2b1f0fcc391051cb30e62b,
  "payload-better-auth/rsc#BetterAuthForgotPasswordView": BetterAuthForgotPasswordView_0814f4521f2b1f0fcc391051cb30e62b,
  "payload-better-auth/rsc#BetterAuthResetPasswordView": BetterAuthResetPasswordView_0814f4521f2b1f0fcc391051cb30e62b,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}
