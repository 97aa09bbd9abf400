import { AuthError, StoreError } from '@authmux/core'

/** Prefix of every message the CLI itself writes. */
export const PACKAGE_NAME = '@authmux/cli'

/**
 * Exit codes of the `authmux` command: `0` ok; `1` an error (the provider refused or could not be reached, a check
 * failed); `2` usage (unknown command, flag or provider, a missing value without a terminal); `3` no stored session
 * to work with; `4` the stored session cannot be read (wrong store key, corrupt or tampered file).
 */
export const EXIT = { ok: 0, error: 1, usage: 2, noSession: 3, unreadable: 4 } as const

/** An exit code of the `authmux` command. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure the CLI reports with its own exit code and an optional hint of which command explains the fix. */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: ExitCode
  /** The command whose `--help` explains the fix, when there is one. */
  readonly command: string | undefined
  constructor(message: string, exitCode: ExitCode, options: { command?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.exitCode = exitCode
    this.command = options.command
  }
}

/** A mistake in how the command was called (unknown flag, missing value without a terminal …). Exit code 2. */
export class UsageError extends CliError {
  override name = 'UsageError'
  constructor(message: string, options: { command?: string } = {}) {
    super(message, EXIT.usage, options)
  }
}

/** No stored session to work with (`env`, `logout --account` of an unknown account). Exit code 3. */
export class NoSessionError extends CliError {
  override name = 'NoSessionError'
  constructor(message: string) {
    super(message, EXIT.noSession)
  }
}

/** The stored session exists but cannot be read: wrong store key, corrupt or tampered file. Exit code 4. */
export class UnreadableSessionError extends CliError {
  override name = 'UnreadableSessionError'
  constructor(message: string) {
    super(message, EXIT.unreadable)
  }
}

/**
 * Our own error inside `error`, if any: the engine wraps whatever a flow callback throws (the one-time-code prompt,
 * say) into an `AuthError`, keeping the original as `cause`.
 */
export function cliErrorWithin(error: unknown): CliError | undefined {
  let current = error
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof CliError) return current
    current = current.cause
  }
  return undefined
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode
  if (error instanceof StoreError && UNREADABLE_CODES.has(error.code)) return EXIT.unreadable
  return EXIT.error
}

/** Store errors that mean the stored data can't be read with this key (rather than a passing I/O problem). */
const UNREADABLE_CODES = new Set(['STORE_KEY', 'STORE_CORRUPT', 'STORE_DECRYPT'])

/**
 * One friendly line for an error: the typed errors' own messages (already free of secrets — the engine redacts them),
 * in the CLI's words (flags, not option names), prefixed with the package name when they lack one. A stack only
 * with `--debug`.
 */
export function describeError(error: unknown, debug: boolean): string {
  const err = error instanceof Error ? error : new Error(String(error))
  const text = cliWording(err.message)
  let message = text.startsWith('@authmux/') ? text : `${PACKAGE_NAME}: ${text}`
  if (error instanceof CliError && error.command) message += `\nRun \`authmux ${error.command} --help\` for usage.`
  if (error instanceof AuthError && debug) message += ` [${error.name} ${error.code}${error.status ? ` HTTP ${error.status}` : ''}]`
  if (debug && err.stack) message += `\n${err.stack.split('\n').slice(1).join('\n')}`
  return message
}

/** Library option names (what a program passes) → the CLI flags that set them (what a person types). */
const FLAG_OF: Record<string, string> = {
  allowInsecureHttp: '--allow-insecure-http',
  baseURL: '--base-url <url>',
  apiKey: '--api-key-stdin',
  apiSecret: '--api-secret-stdin',
  username: '--username <name>',
  email: '--email <email>',
  password: '--password-stdin',
  otp: '--otp <code> or --otp-stdin',
  storeKey: '--account <label> (see authmux status)',
}

/** The IMAP one-time-code source's advice (`@authmux/password-login/imap`) → the `--otp-imap-*` flags. */
const IMAP_WORDING: ReadonlyArray<readonly [string, string]> = [
  ['check host, port and secure', 'check --otp-imap-host, --otp-imap-port and --otp-imap-secure / --otp-imap-starttls'],
  ['with secure: false', 'with --otp-imap-starttls'],
  ['raise timeoutMs', 'raise --otp-imap-timeout-seconds'],
  ['set mailbox / AUTHMUX_IMAP_MAILBOX', 'pass --otp-imap-mailbox or set AUTHMUX_IMAP_MAILBOX'],
  ['from / AUTHMUX_IMAP_FROM', '--otp-imap-from or AUTHMUX_IMAP_FROM'],
]

/**
 * Rewrites the libraries' advice into CLI terms: `pass allowInsecureHttp: true` → `pass --allow-insecure-http`,
 * `pass { apiKey }` / `{ baseURL: '…' }` → the flags. Names without a flag are left as they are.
 */
export function cliWording(message: string): string {
  let text = message
  for (const [library, cli] of IMAP_WORDING) text = text.split(library).join(cli)
  return text
    .replace(/\ballowInsecureHttp: true\b/g, FLAG_OF.allowInsecureHttp!)
    .replace(/\{ ([A-Za-z]+(?:, [A-Za-z]+)*)(?:: [^}]*)? \}/g, (whole, names: string) => {
      const flags = names.split(', ').map((name) => FLAG_OF[name])
      return flags.every(Boolean) ? flags.join(' and ') : whole
    })
}
