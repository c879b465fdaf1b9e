'use client'

import { Form, Input } from '../../../components/forms.tsx'
import { authClient } from '../../../lib/authClient.ts'

export default function SignUpPage() {
  return (
    <>
      <h1>Sign up</h1>
      <Form
        label="Sign up"
        submit="Create account"
        onSubmit={async (field) => {
          const { error } = await authClient.signUp.email({
            name: field('name'),
            email: field('email'),
            password: field('password'),
          })
          if (error) return error.message ?? 'Sign-up failed'
          window.location.assign('/account')
        }}
      >
        <Input name="name" label="Name" autoComplete="name" />
        <Input name="email" label="Email" type="email" autoComplete="email" />
        <Input name="password" label="Password" type="password" autoComplete="new-password" />
      </Form>
      <p>
        Already registered? <a href="/sign-in">Sign in</a>
      </p>
    </>
  )
}
