import { type AuthError, ConfigError, InsecureTransportError, InvalidCredentialsError, NetworkError, TimeoutError } from '@authmux/core'
import { PACKAGE_NAME } from '../flow'
import { IMAP_ENV, type ImapSettings } from './options'

/** What an IMAP client error may carry (imapflow attaches these; socket errors carry Node's `code`). */
interface ImapFailure {
  message?: string
  code?: string
  authenticationFailed?: boolean
  tlsFailed?: boolean
  serverResponseCode?: string
  responseText?: string
}

const PROVIDER = 'imap'
const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT'])

/** Every form the password travels in over IMAP: as is, JSON-escaped, base64 (AUTH LOGIN) and inside AUTH PLAIN. */
function passwordForms(settings: ImapSettings): string[] {
  const { user, password } = settings
  const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))
  return [password, JSON.stringify(password).slice(1, -1), base64(password), base64(`\0${user}\0${password}`)].filter((form) => form.length >= 4)
}

/** `text` with the IMAP password removed in every form it travels in. */
export function scrubPassword(text: string, settings: ImapSettings): string {
  let out = text
  for (const form of passwordForms(settings)) out = out.split(form).join('[REDACTED]')
  return out
}

/** A plain copy of an IMAP client error for `cause`: its message (password removed) and code, nothing else. */
function safeCause(error: unknown, settings: ImapSettings): Error {
  const failure = (error ?? {}) as ImapFailure
  const copy = new Error(scrubPassword(String(failure.message ?? error), settings))
  if (failure.code) Object.assign(copy, { code: failure.code })
  return copy
}

/** `host:port (user)`: the mailbox server named in messages. */
export const serverLabel = (settings: ImapSettings): string => `${settings.host}:${settings.port}`

/**
 * The typed error for an IMAP failure: a refused login (`InvalidCredentialsError`), a server without the required
 * STARTTLS (`InsecureTransportError`), a mailbox that cannot be opened (`ConfigError`), a timeout or any other
 * connection failure (`TimeoutError` / `NetworkError`). Each names the option and the fix; none holds the password.
 */
export function imapError(error: unknown, settings: ImapSettings, stage: 'connect' | 'mailbox' | 'read'): AuthError {
  const failure = (error ?? {}) as ImapFailure
  const cause = safeCause(error, settings)
  const server = serverLabel(settings)
  const options = { provider: PROVIDER, cause }
  if (failure.authenticationFailed) {
    return new InvalidCredentialsError(
      `${PACKAGE_NAME}: the IMAP server ${server} refused the login of ${settings.user} (${failure.serverResponseCode ?? 'NO'}) — check the IMAP user and password (user / ${IMAP_ENV.user}, password / ${IMAP_ENV.password}); Gmail, Outlook, iCloud and Yahoo need an app password, not the account password.`,
      { ...options, ...(failure.serverResponseCode ? { providerCode: failure.serverResponseCode } : {}) },
    )
  }
  if (failure.tlsFailed && !settings.secure && !settings.cleartextAllowed) {
    return new InsecureTransportError(
      `${PACKAGE_NAME}: the IMAP server ${server} offers no STARTTLS, so the password would travel in clear text — use TLS (secure: true, port 993), or pass allowInsecure: true if you really mean it.`,
      options,
    )
  }
  if (stage === 'mailbox') {
    return new ConfigError(
      `${PACKAGE_NAME}: the IMAP mailbox "${settings.mailbox}" cannot be opened on ${server} (${scrubPassword(failure.responseText ?? failure.code ?? 'refused', settings)}) — check mailbox / ${IMAP_ENV.mailbox} (default INBOX; Gmail's spam folder is "[Gmail]/Spam").`,
      { ...options, field: 'mailbox' },
    )
  }
  const why = failure.code ?? (failure.tlsFailed ? 'TLS failed' : 'connection failed')
  const fix = 'check host, port and secure (993 = TLS from the first byte, 143 = STARTTLS with secure: false)'
  if (failure.code && TIMEOUT_CODES.has(failure.code)) {
    return new TimeoutError(`${PACKAGE_NAME}: the IMAP server ${server} did not answer in time (${why}) — ${fix}.`, options)
  }
  const what = stage === 'connect' ? 'cannot connect to' : 'lost the connection to'
  return new NetworkError(`${PACKAGE_NAME}: ${what} the IMAP server ${server} (${why}) — ${fix}.`, options)
}
