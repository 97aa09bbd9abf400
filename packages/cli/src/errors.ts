import { AuthError } from '@authmux/core'

/** Prefix of every message the CLI itself writes. */
export const PACKAGE_NAME = '@authmux/cli'

/** A mistake in how the command was called (unknown flag, missing value without a terminal …). Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
  /** The command whose `--help` explains the fix, when there is one. */
  readonly command: string | undefined
  constructor(message: string, options: { command?: string } = {}) {
    super(message)
    this.command = options.command
  }
}

/** Exit codes of the `authmux` command. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const

/** The exit code for an error thrown by a command. */
/**
 * Our own usage error inside `error`, if any: the engine wraps whatever a flow callback throws (the one-time-code
 * prompt, say) into an `AuthError`, keeping the original as `cause`.
 */
export function usageErrorWithin(error: unknown): UsageError | undefined {
  let current = error
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof UsageError) return current
    current = current.cause
  }
  return undefined
}

export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT.usage : EXIT.error
}

/**
 * One friendly line for an error: the typed errors' own messages (already free of secrets — the engine redacts them),
 * prefixed with the package name when they lack one. A stack only with `--debug`.
 */
export function describeError(error: unknown, debug: boolean): string {
  const err = error instanceof Error ? error : new Error(String(error))
  let message = err.message.startsWith('@authmux/') ? err.message : `${PACKAGE_NAME}: ${err.message}`
  if (error instanceof UsageError && error.command) message += `\nRun \`authmux ${error.command} --help\` for usage.`
  if (error instanceof AuthError && debug) message += ` [${error.name} ${error.code}${error.status ? ` HTTP ${error.status}` : ''}]`
  if (debug && err.stack) message += `\n${err.stack.split('\n').slice(1).join('\n')}`
  return message
}
