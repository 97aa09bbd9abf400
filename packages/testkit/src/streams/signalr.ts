/** The record separator that ends every SignalR JSON message (0x1E). */
export const RS = '\x1e'

/** SignalR hub message types (HubProtocol spec). */
export const HubMessageType = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
  Ack: 8,
  Sequence: 9,
} as const

/** Serialise one hub message with its trailing separator. */
export const encode = (message: unknown): string => `${JSON.stringify(message)}${RS}`

/** Splits incoming text into complete RS-terminated messages; keeps an unterminated tail for the next frame. */
export class MessageReader {
  #tail = ''

  /** The complete messages in `text` (plus what an earlier frame left over), without separators. */
  push(text: string): string[] {
    const parts = (this.#tail + text).split(RS)
    this.#tail = parts.pop() ?? ''
    return parts.filter((part) => part !== '')
  }
}
