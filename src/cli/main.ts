import { PayloadBetterAuthError } from '../shared/errors.ts'

/** One command of the `payload-better-auth` bin: its arguments in, an exit code out. */
export interface Command {
  summary: string
  run(args: string[]): Promise<number>
}

const commands: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  doctor: async () => (await import('./doctor/index.ts')).doctorCommand,
}

const usage = `Usage: payload-better-auth <command> [options]

Commands:
  migrate   Move the users of Payload's own login into Better Auth (their passwords keep working)
  doctor    Check a deployment: secrets, storage, event bus, both sides agreeing, the sync's queue

Run "payload-better-auth <command> --help" for a command's options.`

/** Node's `parseArgs` refusing the command line (an unknown option, a missing value). */
const isArgumentError = (error: unknown): error is Error =>
  error instanceof Error &&
  String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS_')

/** Runs the bin's command line; returns the process's exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage)
    return name ? 0 : 1
  }
  const load = commands[name]
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${usage}`)
    return 1
  }
  try {
    return await (await load()).run(args)
  } catch (error) {
    // Our own errors already say what to do; a mistyped option gets the way to the options;
    // anything else is shown whole.
    if (error instanceof PayloadBetterAuthError) console.error(error.message)
    else if (isArgumentError(error)) {
      console.error(`${error.message}\nRun "payload-better-auth ${name} --help" for its options.`)
    } else console.error(error)
    return 1
  }
}
