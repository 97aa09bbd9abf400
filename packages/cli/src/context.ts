import type { CliIO } from './io'
import type { Output } from './output'
import type { StdinLines } from './stdin-lines'

/** How a flag is parsed (the `node:util` `parseArgs` option shape). */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
}

/** Flags by name (without the leading `--`). */
export type OptionSpecs = Record<string, OptionSpec>

/** Flags every command accepts. */
export const GLOBAL_OPTIONS = {
  'base-url': { type: 'string' },
  'store-dir': { type: 'string' },
  'allow-insecure-http': { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs

export const GLOBAL_HELP = `Global options:
  --base-url <url>        API base URL for the provider (an emulator, a proxy); remembered per session
  --store-dir <dir>       Token store directory (default: AUTHMUX_STORE_DIR, else ~/.authmux)
  --allow-insecure-http   Allow http:// to a non-loopback host (credentials in clear text — only for a trusted proxy)
  --debug                 Show error names and stack traces
  -h, --help              Show help`

/** The provider a command is talking to, for hints after a failure (a 404 → check --base-url). */
export interface Target {
  title: string
  /** The base URL the requests went to. */
  baseURL: string
}

/** What a command runs with. */
export interface Context {
  io: CliIO
  out: Output
  stdin: StdinLines
  /** Parsed flags (global and the command's own). */
  flags: Record<string, unknown>
  /** Positional arguments after the command name. */
  positionals: string[]
  command: string
  /** Set by a command once it knows which provider and URL it calls. */
  target?: Target
}

/** A sub-command of `authmux`. */
export interface Command {
  name: string
  /** One line for `authmux --help`. */
  summary: string
  /** Full help with examples. */
  help: string
  /** The command's own flags (global flags are added). */
  options: OptionSpecs
  /** What its positional argument is, for shell completion. */
  positional?: 'provider' | 'shell'
  run(ctx: Context): Promise<number>
}

export function stringFlag(ctx: Context, name: string): string | undefined {
  const value = ctx.flags[name]
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

export function booleanFlag(ctx: Context, name: string): boolean {
  return ctx.flags[name] === true
}
