import { createInterface, type Interface } from 'node:readline'

/**
 * Reads stdin one line at a time, on demand: `--password-stdin --otp-stdin` take line 1 for the password up front
 * and line 2 for the one-time code only once the code has been emailed, so a script can write the code later.
 */
export class StdinLines {
  readonly #input: NodeJS.ReadableStream
  #rl: Interface | undefined
  readonly #buffered: string[] = []
  readonly #waiting: ((line: string | undefined) => void)[] = []
  #closed = false

  constructor(input: NodeJS.ReadableStream) {
    this.#input = input
  }

  /** The next line without its line ending, or `undefined` once stdin has ended. */
  next(): Promise<string | undefined> {
    this.#start()
    const line = this.#buffered.shift()
    if (line !== undefined) return Promise.resolve(line)
    if (this.#closed) return Promise.resolve(undefined)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  /** Stops reading (lets the process exit). */
  close(): void {
    this.#rl?.close()
    this.#rl = undefined
  }

  #start(): void {
    if (this.#rl || this.#closed) return
    const rl = createInterface({ input: this.#input, terminal: false, crlfDelay: Infinity })
    this.#rl = rl
    rl.on('line', (line) => {
      const waiter = this.#waiting.shift()
      if (waiter) waiter(line)
      else this.#buffered.push(line)
    })
    rl.on('close', () => {
      this.#closed = true
      for (const waiter of this.#waiting.splice(0)) waiter(undefined)
    })
  }
}
