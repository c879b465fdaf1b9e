import { notFound } from 'next/navigation.js'
import { mailboxEnabled } from '../../../lib/env.ts'
import { listMail } from '../../../lib/mailbox.ts'

/** The demo's outbox: what would have been emailed, newest first. */
export default function MailboxPage() {
  // A public list of sign-in links must not exist on a production site (see lib/env.ts).
  if (!mailboxEnabled) notFound()
  const mail = listMail()
  return (
    <>
      <h1>Mailbox</h1>
      <p>Every email the demo sends lands here instead of a mail server.</p>
      {mail.length === 0 && <p>No mail yet.</p>}
      <ul data-testid="mailbox">
        {mail.map((message) => (
          <li key={message.id}>
            <p>
              To <strong>{message.to}</strong>: {message.subject} ({message.sentAt})
            </p>
            <p>
              {message.text} {message.url && <a href={message.url}>{message.url}</a>}
            </p>
          </li>
        ))}
      </ul>
    </>
  )
}
