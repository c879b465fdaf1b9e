'use client'

import { useState } from 'react'
import { Form, Input } from '../../../components/forms.tsx'
import { authClient } from '../../../lib/authClient.ts'

export default function SignInPage() {
  const [step, setStep] = useState<'sign-in' | 'two-factor' | 'link-sent'>('sign-in')

  if (step === 'link-sent') {
    return (
      <>
        <h1>Check your email</h1>
        <p>
          The sign-in link is in the <a href="/mailbox">mailbox</a>.
        </p>
      </>
    )
  }
  if (step === 'two-factor') {
    return (
      <>
        <h1>Two-factor code</h1>
        <Form
          label="Two-factor code"
          submit="Verify"
          onSubmit={async (field) => {
            const { error } = await authClient.twoFactor.verifyTotp({ code: field('code') })
            if (error) return error.message ?? 'Wrong code'
            window.location.assign('/account')
          }}
        >
          <Input name="code" label="Code" autoComplete="one-time-code" />
        </Form>
      </>
    )
  }
  return (
    <>
      <h1>Sign in</h1>
      <Form
        label="Sign in with email and password"
        submit="Sign in"
        onSubmit={async (field) => {
          const { data, error } = await authClient.signIn.email({
            email: field('email'),
            password: field('password'),
          })
          if (error) return error.message ?? 'Sign-in failed'
          if (data && 'twoFactorRedirect' in data && data.twoFactorRedirect) {
            setStep('two-factor')
            return
          }
          window.location.assign('/account')
        }}
      >
        <Input name="email" label="Email" type="email" autoComplete="email" />
        <Input name="password" label="Password" type="password" autoComplete="current-password" />
      </Form>
      <h2>Or get a sign-in link</h2>
      <Form
        label="Sign in with a magic link"
        submit="Email me a link"
        onSubmit={async (field) => {
          const { error } = await authClient.signIn.magicLink({
            email: field('email'),
            callbackURL: '/account',
          })
          if (error) return error.message ?? 'Could not send the link'
          setStep('link-sent')
        }}
      >
        <Input name="email" label="Email" type="email" autoComplete="email" />
      </Form>
      <h2>Or use another account</h2>
      <Form
        label="Sign in with Demo OAuth"
        submit="Sign in with Demo OAuth"
        onSubmit={async () => {
          // The demo's own fake provider (lib/fakeOAuth.ts): Better Auth redirects there and back.
          const { error } = await authClient.signIn.social({
            provider: 'demo-oauth',
            callbackURL: '/account',
          })
          if (error) return error.message ?? 'Could not reach Demo OAuth'
        }}
      >
        {null}
      </Form>
      <p>
        <a href="/forgot-password">Forgot your password?</a> · <a href="/sign-up">Sign up</a>
      </p>
    </>
  )
}
