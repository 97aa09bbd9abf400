import type { Command } from '../context'
import { GLOBAL_OPTIONS } from '../context'
import { PROVIDER_NAMES } from '../providers'

/** The shells `authmux completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

/** What a completion script offers after one command. */
export interface CompletedCommand {
  name: string
  summary: string
  /** Long flags (`--email`), the global ones included. */
  flags: string[]
  /** Words offered as its positional argument (providers, shells). */
  words: readonly string[]
}

/** Everything a completion script needs, derived from the commands themselves (so it never drifts from them). */
export interface CompletionModel {
  commands: CompletedCommand[]
  /** Flags whose value is a directory. */
  directoryFlags: string[]
  /** Flags that take a value of their own (nothing to complete but the value). */
  valueFlags: string[]
}

export function completionModel(commands: readonly Command[]): CompletionModel {
  const valueFlags = new Set<string>()
  const all = commands.map((command) => {
    const options = { ...GLOBAL_OPTIONS, ...command.options }
    for (const [name, spec] of Object.entries(options)) if (spec.type === 'string') valueFlags.add(`--${name}`)
    const words = command.positional === 'provider' ? PROVIDER_NAMES : command.positional === 'shell' ? SHELLS : []
    return { name: command.name, summary: command.summary, flags: Object.keys(options).map((name) => `--${name}`), words }
  })
  return { commands: all, directoryFlags: ['--store-dir'], valueFlags: [...valueFlags].filter((flag) => flag !== '--store-dir').sort() }
}
