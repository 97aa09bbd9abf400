import { mkdir, rename, utimes, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { buildMailMessage, type MailMessageInput } from './message.js'

/** Options of `deliverToMaildir`. */
export interface MaildirDeliveryOptions {
  /**
   * When the message reached the server, epoch ms: the file's modification time, which Dovecot reports as the IMAP
   * INTERNALDATE. Default: now (the real clock, like a mail server's).
   */
  receivedAt?: number
}

let sequence = 0

/** A Maildir file name that no other delivery of this process (or of another host or process) can take. */
function uniqueName(nowMs: number): string {
  sequence += 1
  const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072')
  return `${Math.floor(nowMs / 1000)}.M${(nowMs % 1000) * 1000}P${process.pid}Q${sequence}.${host}`
}

/**
 * Delivers one message into a Maildir the way a mail server does: written whole into `tmp/`, then renamed into
 * `new/`, so a reader (Dovecot) never sees half a message. `message` is the raw RFC 5322 text, or the parts to
 * build it from (`buildMailMessage`). Creates `tmp/`, `new/` and `cur/` when missing. Resolves with the file's path.
 */
export async function deliverToMaildir(maildir: string, message: string | MailMessageInput, options: MaildirDeliveryOptions = {}): Promise<string> {
  const raw = typeof message === 'string' ? message : buildMailMessage(message)
  await Promise.all(['tmp', 'new', 'cur'].map((folder) => mkdir(join(maildir, folder), { recursive: true })))
  const name = uniqueName(Date.now())
  const staged = join(maildir, 'tmp', name)
  await writeFile(staged, raw, { mode: 0o644 })
  if (options.receivedAt !== undefined) {
    const seconds = options.receivedAt / 1000
    await utimes(staged, seconds, seconds)
  }
  const delivered = join(maildir, 'new', name)
  await rename(staged, delivered)
  return delivered
}
