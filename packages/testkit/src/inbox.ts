import { TimeoutError } from '@authmux/core'
/** One email the Axiom emulator "sent". */
export interface InboxMessage {
  to: string
  subject: string
  text: string
  /** The 6-digit one-time code in the message. */
  code: string
  /** Virtual-clock time (epoch ms) it was sent. */
  at: number
}

/** Where emulated one-time-code emails land. */
export interface Inbox {
  /** Every message, oldest first (copy). */
  readonly messages: InboxMessage[]
  /** The code of the newest message to `email` (case-insensitive), if any. */
  latestCode(email: string): string | undefined
  /** Resolve with the next code sent to `email` (or the latest if one arrived after `sinceMs`). Rejects after `timeoutMs` (default 5000, real time). */
  waitForCode(email: string, options?: { timeoutMs?: number; sinceMs?: number }): Promise<string>
  /** Call `listener` for every new message; returns an unsubscribe function. */
  onMessage(listener: (message: InboxMessage) => void): () => void
  /** Forget every message. */
  clear(): void
}

/** Internal side used by the Axiom emulator. */
export interface InboxWriter extends Inbox {
  deliver(message: InboxMessage): void
}

const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

/** Create an inbox. */
export function createInbox(): InboxWriter {
  let messages: InboxMessage[] = []
  const waiters = new Set<{ email: string; resolve: (code: string) => void }>()
  const listeners = new Set<(message: InboxMessage) => void>()
  return {
    get messages() {
      return messages.map((m) => ({ ...m }))
    },
    latestCode(email) {
      const wanted = email.toLowerCase()
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i]
        if (m && m.to.toLowerCase() === wanted) return m.code
      }
      return undefined
    },
    waitForCode(email, options = {}) {
      const wanted = email.toLowerCase()
      if (options.sinceMs !== undefined) {
        const since = options.sinceMs
        const found = [...messages].reverse().find((m) => m.to.toLowerCase() === wanted && m.at >= since)
        if (found) return Promise.resolve(found.code)
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          email: wanted,
          resolve: (code: string) => {
            realClearTimeout(timer)
            waiters.delete(waiter)
            resolve(code)
          },
        }
        const timer = realSetTimeout(() => {
          waiters.delete(waiter)
          reject(
            new TimeoutError('@authmux/testkit: no one-time code arrived in the inbox in time — did the client call /login-password-v2?', {
              provider: 'axiom',
            }),
          )
        }, options.timeoutMs ?? 5000)
        waiters.add(waiter)
      })
    },
    onMessage(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    clear() {
      messages = []
    },
    deliver(message) {
      messages.push(message)
      for (const listener of [...listeners]) listener({ ...message })
      for (const w of [...waiters]) if (w.email === message.to.toLowerCase()) w.resolve(message.code)
    },
  }
}
