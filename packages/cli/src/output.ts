import type { CliIO } from './io'

const REDACTED = '[redacted]'

/**
 * Everything the CLI prints goes through here. Every secret the CLI handles (typed, read from stdin or env, read
 * from the store) is registered, and any line that would contain one is redacted — defence in depth on top of the
 * engine's own redaction. Only `reveal()` (used by `authmux env --reveal`) prints values as they are.
 */
export class Output {
  readonly #io: CliIO
  readonly #secrets = new Set<string>()

  constructor(io: CliIO) {
    this.#io = io
  }

  /** Registers a secret value so it never reaches stdout/stderr by accident. */
  secret(value: string | undefined | null): void {
    if (typeof value === 'string' && value.length >= 4) this.#secrets.add(value)
  }

  /** Replaces every registered secret in `text`. */
  redact(text: string): string {
    let result = text
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED)
    }
    return result
  }

  /** A line of data on stdout. */
  print(line = ''): void {
    this.#io.stdout.write(`${this.redact(line)}\n`)
  }

  /** A message on stderr. */
  info(line: string): void {
    this.#io.stderr.write(`${this.redact(line)}\n`)
  }

  /** Writes a prompt (no newline) on stderr. */
  prompt(text: string): void {
    this.#io.stderr.write(this.redact(text))
  }

  /** A line on stdout printed as is, secrets included. Only for explicit `--reveal`. */
  reveal(line: string): void {
    this.#io.stdout.write(`${line}\n`)
  }
}
