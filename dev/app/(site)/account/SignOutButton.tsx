'use client'

import { authClient } from '../../../lib/authClient.ts'

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={async () => {
        await authClient.signOut()
        window.location.assign('/')
      }}
    >
      Sign out
    </button>
  )
}
