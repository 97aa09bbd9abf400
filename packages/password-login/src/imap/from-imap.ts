import { TimeoutError, type AuthError } from '@authmux/core'
import { ImapFlow } from 'imapflow'
import { PACKAGE_NAME } from '../flow'
import { imapError, serverLabel } from './errors'
import { newestCode } from './find-code'
import { IMAP_ENV, resolveImapSettings, type FromImapOptions, type ImapSettings } from './options'

/** Why the mailbox was searched (again): the first look, new mail announced by the server, or the poll interval. */
type Wake = 'start' | 'new-mail' | 'poll' | 'closed'

function openClient(settings: ImapSettings): ImapFlow {
  const { host, port, secure, user, password, cleartextAllowed, timeoutMs } = settings
  const client = new ImapFlow({
    host,
    port,
    secure,
    // Without TLS from the first byte, STARTTLS is required — except where clear text is allowed (loopback, opt-in).
    ...(secure || cleartextAllowed ? {} : { doSTARTTLS: true }),
    auth: { user, pass: password },
    // imapflow logs to stdout by default; nothing of it here (our own debug lines go to settings.logger).
    logger: false,
    // IDLE is started by us while waiting, at once, rather than after imapflow's 15 s of inactivity.
    disableAutoIdle: true,
    connectionTimeout: Math.min(timeoutMs, 90_000),
    greetingTimeout: Math.min(timeoutMs, 16_000),
  })
  // A failure after connect() is also the rejection of the command in flight; the event itself needs a listener.
  client.on('error', () => {})
  return client
}

/** Runs one IMAP step, turning its failure into the typed error for that stage. */
async function step<T>(settings: ImapSettings, stage: 'connect' | 'mailbox' | 'read', run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw imapError(error, settings, stage)
  }
}

/**
 * Waits (in IMAP IDLE) until the server announces new mail, the connection closes, or `waitMs` pass. The next
 * command (the search) ends the IDLE.
 */
function nextWake(client: ImapFlow, waitMs: number): Promise<Wake> {
  return new Promise((resolve) => {
    const finish = (why: Wake) => {
      clearTimeout(timer)
      client.off('exists', onExists)
      client.off('close', onClose)
      resolve(why)
    }
    const onExists = () => finish('new-mail')
    const onClose = () => finish('closed')
    const timer = setTimeout(() => finish('poll'), waitMs)
    client.on('exists', onExists)
    client.on('close', onClose)
    // Servers without IDLE are polled by imapflow (NOOP); a failed IDLE shows up as the next search's error.
    client.idle().catch(() => {})
  })
}

async function closeQuietly(client: ImapFlow): Promise<void> {
  try {
    await client.logout()
  } catch {
    client.close()
  }
}

function describeSender(from: string | RegExp): string {
  if (from instanceof RegExp) return `a sender matching ${from}`
  return from.includes('@') ? from : `an address at ${from}`
}

function noCodeError(settings: ImapSettings): AuthError {
  const { mailbox, user, timeoutMs } = settings
  return new TimeoutError(
    `${PACKAGE_NAME}: no unread email with a one-time code from ${describeSender(settings.from)} reached ${mailbox} of ${user} on ${serverLabel(settings)} within ${timeoutMs / 1000} s — check that the code email lands in this mailbox (spam folder? set mailbox / ${IMAP_ENV.mailbox}), that it comes from that sender (from / ${IMAP_ENV.from}) and that codePattern finds the code, or raise timeoutMs.`,
    { provider: 'imap' },
  )
}

/** Connects, waits for the code email that arrived after `askedAt - lookbackMs`, flags it as read, returns its code. */
async function readCode(settings: ImapSettings, askedAt: number): Promise<string> {
  const log = (message: string, data?: Record<string, unknown>) => settings.logger?.debug?.(`${PACKAGE_NAME}: imap: ${message}`, data)
  const deadline = askedAt + settings.timeoutMs
  const client = openClient(settings)
  try {
    await step(settings, 'connect', () => client.connect())
    await step(settings, 'mailbox', () => client.mailboxOpen(settings.mailbox))
    log('connected', { server: serverLabel(settings), user: settings.user, mailbox: settings.mailbox })
    let wake: Wake = 'start'
    for (;;) {
      const { candidates, found } = await step(settings, 'read', () => newestCode(client, settings, askedAt - settings.lookbackMs))
      log('searched', { wake, candidates, found: found !== undefined })
      if (found) {
        // Read now: a later login never takes this code again.
        await step(settings, 'read', () => client.messageFlagsAdd(String(found.uid), ['\\Seen'], { uid: true }))
        return found.code
      }
      const left = deadline - Date.now()
      if (left <= 0) throw noCodeError(settings)
      wake = await nextWake(client, Math.min(settings.pollIntervalMs, left))
    }
  } finally {
    await closeQuietly(client)
  }
}

/**
 * A one-time-code source that reads the code from a mailbox over IMAP, for an unattended login:
 * `createAxiomAuth({ email, password, otp: fromImap({ host, user, password }) })`.
 *
 * Each call connects, waits for the newest unread email from the sender (default: Axiom's domain) that arrived after
 * the login started (`lookbackMs` before the call), takes the code from it (`codePattern`), flags the email as read so
 * no later login reuses it, and logs out. New mail is noticed at once through IMAP IDLE, else every `pollIntervalMs`.
 *
 * Errors (all `AuthError`s, never holding the password or the code): missing or bad options → `ConfigError` at once;
 * a refused mailbox login → `InvalidCredentialsError`; no STARTTLS where it is required → `InsecureTransportError`;
 * an unknown mailbox → `ConfigError`; no code email within `timeoutMs` → `TimeoutError`; a server that cannot be
 * reached → `NetworkError`.
 */
export function fromImap(options: FromImapOptions = {}): () => Promise<string> {
  const settings = resolveImapSettings(options)
  return function readCodeFromMailbox(): Promise<string> {
    return readCode(settings, Date.now())
  }
}
