import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { dataDir } from './env.ts'

// The demo's outbox: magic links, password resets and one-time codes are "sent" here and read on /mailbox, so the
// demo needs no mail server. A SQLite file, so every process of the app sees the same mail.

export interface Mail {
  id: number
  to: string
  subject: string
  text: string
  /** The link to follow; '' for a mail that carries a code in `text`. */
  url: string
  sentAt: string
}

function open(): DatabaseSync {
  const db = new DatabaseSync(path.join(dataDir, 'mailbox.db'))
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000')
  db.exec(`CREATE TABLE IF NOT EXISTS mail (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "to" TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL, url TEXT NOT NULL,
    sentAt TEXT NOT NULL
  )`)
  return db
}

const globalMailbox = globalThis as typeof globalThis & { __demoMailbox?: DatabaseSync }
if (!globalMailbox.__demoMailbox) globalMailbox.__demoMailbox = open()
const db = globalMailbox.__demoMailbox

export function sendMail(mail: Omit<Mail, 'id' | 'sentAt'>): void {
  db.prepare('INSERT INTO mail ("to", subject, text, url, sentAt) VALUES (?, ?, ?, ?, ?)').run(
    mail.to,
    mail.subject,
    mail.text,
    mail.url,
    new Date().toISOString(),
  )
}

/** The newest mail first. */
export function listMail(limit = 50): Mail[] {
  return db
    .prepare('SELECT id, "to", subject, text, url, sentAt FROM mail ORDER BY id DESC LIMIT ?')
    .all(limit) as unknown as Mail[]
}
