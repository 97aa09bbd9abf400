/** Where the CLI reads and writes. The bin wires it to the process; tests and embedders can pass their own. */
export interface CliIO {
  /** Input stream (stdin). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Data output (tables, export lines). */
  stdout: NodeJS.WritableStream
  /** Messages, prompts and errors. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  /** Environment variables (provider credentials, AUTHMUX_STORE_DIR / AUTHMUX_STORE_KEY). */
  env: Record<string, string | undefined>
  /** Current time in epoch ms. */
  now: () => number
}

/** The process's own streams and environment. */
export function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now }
}
