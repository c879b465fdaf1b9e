import { getViewer } from '../../../lib/viewer.ts'
import { SignOutButton } from './SignOutButton.tsx'

export default async function AccountPage() {
  const { session, payloadUser } = await getViewer()
  if (!session) {
    return (
      <>
        <h1>Account</h1>
        <p data-testid="signed-out">
          You are signed out. <a href="/sign-in">Sign in</a>
        </p>
      </>
    )
  }
  return (
    <>
      <h1>Account</h1>
      <p data-testid="signed-in">
        Signed in as <strong>{session.user.email}</strong>
      </p>
      <SignOutButton />
      <h2>Better Auth session</h2>
      <pre data-testid="better-auth-session">{JSON.stringify(session, null, 2)}</pre>
      <h2>Payload user</h2>
      <pre data-testid="payload-user">{JSON.stringify(payloadUser, null, 2)}</pre>
    </>
  )
}
