// Writes dev/.env with fresh secrets on the demo's first run, so the demo starts with no set-up.
// An existing file is left alone; variables already set in the environment win over it anyway.
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const file = path.resolve(import.meta.dirname, '..', '.env')
if (!existsSync(file)) {
  const secret = () => randomBytes(32).toString('base64url')
  writeFileSync(
    file,
    [
      '# Written by dev/scripts/prepareEnv.ts on the first run. Never commit it.',
      `PAYLOAD_SECRET=${secret()}`,
      `BETTER_AUTH_SECRET=${secret()}`,
      `BA_TO_PAYLOAD_SECRET=${secret()}`,
      `RECONCILE_TOKEN=${secret()}`,
      '# Uncomment to move from the embedded SQLite files to services:',
      '# DATABASE_URI=postgres://postgres@127.0.0.1:5432/payload_better_auth_demo',
      '# REDIS_URL=redis://127.0.0.1:6379',
      '# Serve /mailbox (every sign-in link) under `npm run demo:start` too; never on a real site:',
      '# DEMO_MAILBOX=1',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  console.log(`[demo] wrote ${file} with fresh secrets`)
}
