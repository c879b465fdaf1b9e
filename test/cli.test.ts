import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

// The bin's own command line: what a mistyped command or option prints (the commands themselves
// are tested in migrate.payloadLogin, doctor and package tests).

const BIN = fileURLToPath(new URL('../bin/payload-better-auth.js', import.meta.url))

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PAYLOAD_BETTER_AUTH_CLI_SOURCE: '1' },
  })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

it('names an unknown command and lists the commands', () => {
  const { code, output } = run('migrat')
  expect(code).toBe(1)
  expect(output).toContain('Unknown command "migrat"')
  expect(output).toMatch(/migrate\s+Move the users of Payload's own login/)
  expect(output).toMatch(/doctor\s+Check a deployment/)
})

it("names an unknown option and points at the command's --help, without a stack trace", () => {
  const { code, output } = run('migrate', '--dry-rnu')
  expect(code).toBe(1)
  expect(output).toContain("Unknown option '--dry-rnu'")
  expect(output).toContain('Run "payload-better-auth migrate --help" for its options.')
  expect(output).not.toMatch(/\n\s+at /)
})
