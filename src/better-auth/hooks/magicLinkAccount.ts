import { createAuthMiddleware } from 'better-auth/api'
import { localAccountIssuer } from '../accountIssuer.ts'

/** Magic-link sign-in creates no account row; this records one, so the method is mirrored. */
export const magicLinkAccountHook = {
  matcher: (context: { path?: string }) => context.path === '/magic-link/verify',
  handler: createAuthMiddleware(async (ctx) => {
    const userId = ctx.context.newSession?.user.id
    if (!userId) return
    const accounts = await ctx.context.internalAdapter.findAccounts(userId)
    if (accounts.some((account) => account.providerId === 'magic-link')) return
    await ctx.context.internalAdapter.createAccount({
      userId,
      providerId: 'magic-link',
      accountId: userId,
      ...localAccountIssuer(ctx.context.tables, 'magic-link'),
    })
  }),
}
