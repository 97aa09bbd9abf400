import { UsageError } from './errors'
import { waysToGive, type FieldSpec } from './fields'
import type { CliIO } from './io'
import type { Output } from './output'
import { ask } from './prompt'
import type { StdinLines } from './stdin-lines'

/** What a resolver can draw from. */
export interface ValueSources {
  io: CliIO
  out: Output
  stdin: StdinLines
  /** Parsed flags of the command. */
  flags: Record<string, unknown>
  /** Values saved earlier with `--save-key` (decrypted from the store), used before prompting. */
  saved?: Partial<Record<FieldSpec['key'], string>>
  /** The command, for "run authmux <command> --help". */
  command: string
}

/** True when the CLI may prompt: stdin is a terminal. */
export function isInteractive(io: CliIO): boolean {
  return io.stdin.isTTY === true
}

/**
 * Resolves one value: the value flag, else the next stdin line (`--x-stdin`), else the environment variable the
 * preset reads, else a value saved with `--save-key`, else a prompt on the terminal (hidden for secrets). Without a
 * terminal a missing value is a `UsageError` naming the flag and the variable — the CLI never waits on a TTY that is
 * not there.
 */
export async function resolveValue(field: FieldSpec, sources: ValueSources): Promise<string> {
  const { io, out } = sources
  const found = await givenValue(field, sources)
  if (found !== undefined) return found
  if (isInteractive(io)) {
    const answer = await ask(`${field.label}: `, { input: io.stdin, output: io.stderr }, { hidden: field.secret })
    if (!answer) throw new UsageError(`${field.label} is empty.`, { command: sources.command })
    if (field.secret) out.secret(answer)
    return answer
  }
  throw new UsageError(`${field.label} is missing and there is no terminal to ask on: ${waysToGive(field)}.`, { command: sources.command })
}

/**
 * The value given without asking: its flag, the next stdin line (`--x-stdin`), its environment variable, or a key
 * saved with `--save-key`; `undefined` when none of them has it. (On a terminal `--x-stdin` asks, hidden.)
 */
export async function givenValue(field: FieldSpec, sources: ValueSources): Promise<string | undefined> {
  const found = await fromNonInteractive(field, sources)
  if (found !== undefined && field.secret) sources.out.secret(found)
  return found
}

async function fromNonInteractive(field: FieldSpec, sources: ValueSources): Promise<string | undefined> {
  const { flags, io } = sources
  if (field.flag) {
    const value = flags[field.flag]
    if (typeof value === 'string') {
      if (!value.trim()) throw new UsageError(`--${field.flag} is empty.`, { command: sources.command })
      return value.trim()
    }
  }
  if (field.stdinFlag && flags[field.stdinFlag] === true) {
    if (isInteractive(io)) {
      const answer = await ask(`${field.label}: `, { input: io.stdin, output: io.stderr }, { hidden: field.secret })
      if (answer) return answer
    } else {
      const line = await sources.stdin.next()
      if (line === undefined) {
        throw new UsageError(`stdin ended before ${field.label} was read (--${field.stdinFlag} reads one line).`, { command: sources.command })
      }
      const value = line.trim()
      if (!value) throw new UsageError(`${field.label} read from stdin (--${field.stdinFlag}) is empty.`, { command: sources.command })
      return value
    }
  }
  if (field.env) {
    const value = io.env[field.env]?.trim()
    if (value) return value
  }
  const saved = sources.saved?.[field.key]
  if (saved) return saved
  return undefined
}
