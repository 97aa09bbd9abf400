import { parseCommandArgs } from './args'
import { COMMANDS } from './commands'
import { GLOBAL_OPTIONS, type Context } from './context'
import { cliErrorWithin, describeError, EXIT, exitCodeOf, UsageError } from './errors'
import { mainHelp } from './help'
import { hintFor } from './hints'
import { processIO, type CliIO } from './io'
import { Output } from './output'
import { StdinLines } from './stdin-lines'
import { didYouMean } from './suggest'
import { VERSION } from './version'

/**
 * Runs the `authmux` command with `argv` (without `node` and the script) and resolves with the exit code (`EXIT`:
 * 0 ok, 1 error, 2 usage, 3 no stored session, 4 stored session unreadable). Never throws; errors are printed as one
 * friendly line (a stack only with `--debug`).
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const out = new Output(io)
  const stdin = new StdinLines(io.stdin)
  const debug = argv.includes('--debug')
  let ctx: Context | undefined
  try {
    const [first, ...rest] = argv
    if (first === '--version' || first === '-v') {
      out.print(VERSION)
      return EXIT.ok
    }
    // `authmux --store-dir x` (flags but no command) is the same as no command at all.
    const name = first?.startsWith('-') && first !== '--help' && first !== '-h' ? undefined : first
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' && rest[0] !== undefined ? findCommand(rest[0]) : undefined
      if (name === undefined) {
        out.info(mainHelp())
        return EXIT.usage
      }
      out.print(topic ? topic.help : mainHelp())
      return EXIT.ok
    }
    const command = findCommand(name)
    const parsed = parseCommandArgs(command, { ...GLOBAL_OPTIONS, ...command.options }, rest)
    if (parsed.values.help === true) {
      out.print(command.help)
      return EXIT.ok
    }
    ctx = { io, out, stdin, flags: parsed.values, positionals: parsed.positionals, command: command.name }
    return await command.run(ctx)
  } catch (thrown) {
    const error = cliErrorWithin(thrown) ?? thrown
    const hint = hintFor(error, ctx?.target)
    out.info(describeError(error, debug) + (hint ? `\n${hint}` : ''))
    return exitCodeOf(error)
  } finally {
    stdin.close()
  }
}

function findCommand(name: string) {
  const command = COMMANDS.find((c) => c.name === name)
  if (command) return command
  const names = COMMANDS.map((c) => c.name)
  throw new UsageError(`unknown command "${name}"${didYouMean(name, names) || '.'} Commands: ${names.join(', ')}. Run \`authmux --help\`.`)
}
