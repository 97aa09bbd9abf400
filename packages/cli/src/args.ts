import { parseArgs } from 'node:util'
import type { Command, OptionSpecs } from './context'
import { UsageError } from './errors'
import { isProviderName, PROVIDERS } from './providers'
import { didYouMean } from './suggest'

/** Flags and positional arguments of one command line. */
export interface ParsedArgs {
  values: Record<string, unknown>
  positionals: string[]
}

/**
 * Parses the arguments after the command name against the command's flags (and the global ones). A mistake is a
 * `UsageError` that says what to type instead: the closest flag for a typo (`--emial` → `--email`), and the `-stdin`
 * form for a secret given as a value (`--api-key abc` → `--api-key-stdin`).
 */
export function parseCommandArgs(command: Command, options: OptionSpecs, args: readonly string[]): ParsedArgs {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    const message = (error as Error).message
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1]
    if (unknown) throw unknownOption(command, options, unknown, args)
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, '.'), { command: command.name })
  }
}

function unknownOption(command: Command, options: OptionSpecs, flag: string, args: readonly string[]): UsageError {
  const name = flag.replace(/^-+/, '')
  const stdinFlag = `${name}-stdin`
  if (options[stdinFlag]) {
    const provider = args.find(isProviderName)
    const field = provider ? [...PROVIDERS[provider].identity, ...PROVIDERS[provider].login].find((f) => f.stdinFlag === stdinFlag) : undefined
    const env = field?.env ? `, set ${field.env}` : ''
    return new UsageError(
      `--${name} is not accepted: a secret typed as a flag value ends up in your shell history and in \`ps\`. Use --${stdinFlag} (one line on stdin)${env}, or leave it out to be asked on a terminal.`,
      { command: command.name },
    )
  }
  const long = Object.keys(options).map((option) => `--${option}`)
  return new UsageError(`unknown option ${flag}${didYouMean(flag, long, (s) => s) || '.'}`, { command: command.name })
}
