#!/usr/bin/env node
// `npx payload-better-auth <command>`: loads the app's TypeScript (its Payload config and its Better
// Auth module) through tsx, as Payload's own bin does, then runs the command.
import { existsSync } from 'node:fs'
import module from 'node:module'

// tsx's synchronous hooks (Node >= 23.5) leak a query string onto built-in specifiers; its worker
// path does not. Payload's bin works around it the same way.
if (typeof module.registerHooks === 'function') module.registerHooks = undefined
const { register } = await import('tsx/esm/api')
register()

const built = new URL('../dist/cli/main.js', import.meta.url)
// A checkout of this package runs its source when unbuilt, or when told to (its own tests).
const fromSource = process.env.PAYLOAD_BETTER_AUTH_CLI_SOURCE === '1' || !existsSync(built)
const entry = fromSource ? new URL('../src/cli/main.ts', import.meta.url) : built
const { main } = await import(entry.href)
const code = await main(process.argv.slice(2))
process.exitCode = code
// Storages, buses and workers the app started may hold the process open; the work is done.
setTimeout(() => process.exit(code), 500).unref()
