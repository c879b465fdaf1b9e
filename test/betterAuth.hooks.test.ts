import { expect, it } from 'vitest'
import { describeEachDatabase } from './helpers/databases.ts'
import { sleep } from './helpers/eventually.ts'
import { signUp, startSyncedApp } from './helpers/syncedApp.ts'
import { RECONCILE_TOKEN } from './helpers/syncedAuth.ts'

// Better Auth runs an update hook for `updateMany` too, with a count instead of a row: a password
// reset updates the credential account that way. Nothing the mirror shows changed; the sync must
// neither queue a task for "user undefined" nor list it as a failure.

describeEachDatabase('Better Auth update hooks', (kind) => {
  it('a password reset queues no sync for an unknown user', async () => {
    let resetToken = ''
    const app = await startSyncedApp(kind, {
      auth: {
        options: {
          emailAndPassword: {
            enabled: true,
            sendResetPassword: async ({ token }) => {
              resetToken = token
            },
          },
        },
      },
    })
    const logged: string[] = []
    const original = console.error
    console.error = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '))
      original(...args)
    }
    try {
      const user = await signUp(app, `hooks-${kind}@example.com`)
      await app.synced.auth.api.requestPasswordReset({ body: { email: user.email } })
      expect(resetToken).not.toBe('')
      await app.synced.auth.api.resetPassword({
        body: { token: resetToken, newPassword: 'another-horse-battery' },
      })
      await sleep(300) // several queue ticks (50 ms)
      const status = (await (
        await app.synced.auth.handler(
          new Request('http://localhost:3000/api/auth/reconcile/status', {
            headers: { 'x-reconcile-token': RECONCILE_TOKEN },
          }),
        )
      ).json()) as { failures: Array<{ userId: unknown }> }
      expect(status.failures).toEqual([])
      expect(logged.filter((line) => line.includes('undefined'))).toEqual([])
    } finally {
      console.error = original
      await app.close()
    }
  })
})
