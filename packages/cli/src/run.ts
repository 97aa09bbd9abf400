import { parseArgs } from 'node:util'
import { COMMANDS } from './commands'
import { GLOBAL_OPTIONS, type Context } from './context'
import { describeError, EXIT, exitCodeOf, UsageError, usageErrorWithin } from './errors'
import { mainHelp } from './help'
import { processIO, type CliIO } from './io'
import { Output } from './output'
import { StdinLines } from './stdin-lines'

/**
 * Runs the `authmux` command with `argv` (without `node` and the script) and resolves with the exit code:
 * 0 ok, 1 error, 2 usage. Never throws; errors are printed as one friendly line (a stack only with `--debug`).
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const out = new Output(io)
  const stdin = new StdinLines(io.stdin)
  const debug = argv.includes('--debug')
  try {
    const [first, ...rest] = argv
    // `authmux --store-dir x` (flags but no command) is the same as no command at all.
    const name = first?.startsWith('-') && first !== '--help' && first !== '-h' ? undefined : first
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined
      if (name === undefined) {
        out.info(mainHelp())
        return EXIT.usage
      }
      out.print(topic ? topic.help : mainHelp())
      return EXIT.ok
    }
    const command = COMMANDS.find((c) => c.name === name)
    if (!command) {
      throw new UsageError(`unknown command "${name}" — use one of: ${COMMANDS.map((c) => c.name).join(', ')}. Run \`authmux --help\`.`)
    }
    let parsed: { values: Record<string, unknown>; positionals: string[] }
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true })
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), { command: command.name })
    }
    if (parsed.values.help === true) {
      out.print(command.help)
      return EXIT.ok
    }
    const ctx: Context = { io, out, stdin, flags: parsed.values, positionals: parsed.positionals, command: command.name }
    return await command.run(ctx)
  } catch (thrown) {
    const error = usageErrorWithin(thrown) ?? thrown
    out.info(describeError(error, debug))
    return exitCodeOf(error)
  } finally {
    stdin.close()
  }
}
