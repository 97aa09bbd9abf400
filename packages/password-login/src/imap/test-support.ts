import { buildMailMessage, type MailMessageInput, type TestImapServer, type TestMailbox } from '@authmux/testkit'
import { ImapFlow } from 'imapflow'
import type { AuthLogger } from '@authmux/core'

/** One debug line of `fromImap`. */
export interface LogLine {
  message: string
  data: Record<string, unknown> | undefined
}

/** A logger that keeps every line, and resolves `waitFor` once a line matches (no timers, no sleeping). */
export function recordingLogger(): AuthLogger & { lines: LogLine[]; waitFor(match: (line: LogLine) => boolean): Promise<LogLine> } {
  const lines: LogLine[] = []
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = []
  const record = (message: string, data?: Record<string, unknown>) => {
    const line = { message, data }
    lines.push(line)
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  }
  return {
    lines,
    debug: record,
    info: record,
    warn: record,
    error: record,
    waitFor(match) {
      const seen = lines.find(match)
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }))
    },
  }
}

/** The `searched` lines of a recording logger: why each search ran and what it found. */
export const searches = (lines: LogLine[]) => lines.filter((line) => line.message.endsWith('imap: searched')).map((line) => line.data)

/** A code email like Axiom's, to `mailbox`, dated now (override anything). */
export function codeMail(mailbox: TestMailbox, code: string, overrides: Partial<MailMessageInput> = {}): string {
  return buildMailMessage({
    from: 'Axiom <noreply@axiom.trade>',
    to: mailbox.user,
    subject: 'Your Axiom security code',
    text: `Your Axiom security code is ${code}. It expires in 10 minutes.`,
    ...overrides,
  })
}

/** The `fromImap` options reaching `mailbox` on the test server (no environment read). */
export const imapOptions = (server: TestImapServer, mailbox: TestMailbox) =>
  ({ host: server.host, port: server.port, secure: false, user: mailbox.user, password: mailbox.password, env: false }) as const

/** The flags of every message in the mailbox's INBOX, oldest first, read with a separate IMAP client. */
export async function inboxFlags(server: TestImapServer, mailbox: TestMailbox): Promise<{ subject: string | undefined; seen: boolean }[]> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user: mailbox.user, pass: mailbox.password }, logger: false })
  await client.connect()
  try {
    await client.mailboxOpen('INBOX')
    const messages = await client.fetchAll('1:*', { envelope: true, flags: true })
    return messages.map((m) => ({ subject: m.envelope?.subject, seen: m.flags?.has('\\Seen') === true }))
  } finally {
    await client.logout()
  }
}
