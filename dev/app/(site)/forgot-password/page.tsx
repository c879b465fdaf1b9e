'use client'

import { useState } from 'react'
import { Form, Input } from '../../../components/forms.tsx'
import { authClient } from '../../../lib/authClient.ts'

export default function ForgotPasswordPage() {
  const [sent, setSent] = useState(false)
  if (sent) {
    return (
      <>
        <h1>Check your email</h1>
        <p>
          If the address has an account, a reset link is in the <a href="/mailbox">mailbox</a>.
        </p>
      </>
    )
  }
  return (
    <>
      <h1>Forgot your password?</h1>
      <Form
        label="Request a password reset"
        submit="Send reset link"
        onSubmit={async (field) => {
          const { error } = await authClient.requestPasswordReset({
            email: field('email'),
            redirectTo: '/reset-password',
          })
          if (error) return error.message ?? 'Could not send the link'
          setSent(true)
        }}
      >
        <Input name="email" label="Email" type="email" autoComplete="email" />
      </Form>
    </>
  )
}
