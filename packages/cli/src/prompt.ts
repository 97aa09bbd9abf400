import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { UsageError } from './errors'

/** Options of one terminal question. */
export interface AskOptions {
  /** Mute the echo while typing (passwords, keys, codes). */
  hidden?: boolean
}

/**
 * Asks one question on a terminal. The question goes to `output` (stderr, so stdout stays clean for data); with
 * `hidden`, what is typed is not echoed — readline writes its echo into a muted stream.
 */
export function ask(question: string, streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }, options: AskOptions = {}): Promise<string> {
  let muted = false
  const echo = new Writable({
    write(chunk, encoding, callback) {
      if (!muted) streams.output.write(chunk, encoding as BufferEncoding)
      callback()
    },
  })
  const rl = createInterface({ input: streams.input, output: echo, terminal: true })
  return new Promise<string>((resolve, reject) => {
    let settled = false
    rl.on('SIGINT', () => {
      settled = true
      rl.close()
      if (options.hidden) streams.output.write('\n')
      reject(new UsageError('cancelled.'))
    })
    rl.on('close', () => {
      if (!settled) reject(new UsageError('input ended before an answer was given.'))
    })
    streams.output.write(question)
    muted = options.hidden === true
    rl.question('', (answer) => {
      settled = true
      muted = false
      rl.close()
      if (options.hidden) streams.output.write('\n')
      resolve(answer.trim())
    })
  })
}
