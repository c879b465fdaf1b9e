import type { ReactNode } from 'react'
import { mailboxEnabled } from '../../lib/env.ts'
import { getViewer } from '../../lib/viewer.ts'
import './site.css'

export const dynamic = 'force-dynamic'
export const metadata = { title: 'payload-better-auth demo' }

export default async function SiteLayout({ children }: { children: ReactNode }) {
  const { session } = await getViewer()
  return (
    <html lang="en">
      <body>
        <nav>
          <a href="/">Home</a>
          <a href="/posts">Posts</a>
          {mailboxEnabled && <a href="/mailbox">Mailbox</a>}
          <a href="/admin">Admin</a>
          <span className="spacer" />
          {session ? (
            <a href="/account" data-testid="viewer">
              {session.user.email}
            </a>
          ) : (
            <>
              <a href="/sign-in">Sign in</a>
              <a href="/sign-up">Sign up</a>
            </>
          )}
        </nav>
        <main>{children}</main>
      </body>
    </html>
  )
}
