'use client'

import { useSearchParams } from 'next/navigation.js'
import { Suspense, useState } from 'react'
import { Form, Input } from '../../../components/forms.tsx'
import { authClient } from '../../../lib/authClient.ts'

function ResetPassword() {
  const params = useSearchParams()
  const token = params.get('token')
  const [done, setDone] = useState(false)
  if (!token) {
    return (
      <p role="alert">
        This link has no reset token{params.get('error') ? ` (${params.get('error')})` : ''}.{' '}
        <a href="/forgot-password">Ask for a new one</a>.
      </p>
    )
  }
  if (done) {
    return (
      <p>
        Your password is changed. <a href="/sign-in">Sign in</a>
      </p>
    )
  }
  return (
    <Form
      label="Choose a new password"
      submit="Change password"
      onSubmit={async (field) => {
        const { error } = await authClient.resetPassword({ token, newPassword: field('password') })
        if (error) return error.message ?? 'Could not change the password'
        setDone(true)
      }}
    >
      <Input name="password" label="New password" type="password" autoComplete="new-password" />
    </Form>
  )
}

export default function ResetPasswordPage() {
  return (
    <>
      <h1>Reset your password</h1>
      <Suspense>
        <ResetPassword />
      </Suspense>
    </>
  )
}
