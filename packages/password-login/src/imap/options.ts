import { ConfigError, isLoopbackHost, type AuthLogger, type EnvSource } from '@authmux/core'
import { optionOrEnv, requireOption } from '@authmux/core/provider'
import { PACKAGE_NAME } from '../flow'

/** The environment variables `fromImap` reads for the options not given. */
export const IMAP_ENV = {
  host: 'AUTHMUX_IMAP_HOST',
  port: 'AUTHMUX_IMAP_PORT',
  user: 'AUTHMUX_IMAP_USER',
  password: 'AUTHMUX_IMAP_PASSWORD',
  mailbox: 'AUTHMUX_IMAP_MAILBOX',
  secure: 'AUTHMUX_IMAP_SECURE',
  from: 'AUTHMUX_IMAP_FROM',
} as const

/**
 * Default sender of the code emails: any address at `axiom.trade` or one of its subdomains. Axiom does not publish its
 * sender address (the official Python SDK accepts any sender containing "axiom"); pass `from` to pin the exact one.
 */
export const AXIOM_CODE_SENDER = 'axiom.trade'

/** Default code pattern: six digits that are not part of a longer number. */
export const DEFAULT_CODE_PATTERN = /(?<!\d)\d{6}(?!\d)/

/** Options of `fromImap`. Every string option falls back to its `AUTHMUX_IMAP_*` environment variable. */
export interface FromImapOptions {
  /** IMAP server host name, e.g. `imap.gmail.com`. Default: env `AUTHMUX_IMAP_HOST`. Required. */
  host?: string
  /** IMAP server port. Default: env `AUTHMUX_IMAP_PORT`, else 993 with `secure`, 143 without. */
  port?: number
  /** Login name of the mailbox, usually its full address. Default: env `AUTHMUX_IMAP_USER`. Required. */
  user?: string
  /**
   * Password of the mailbox (for Gmail, Outlook, iCloud, Yahoo: an app password). Default: env
   * `AUTHMUX_IMAP_PASSWORD` (kept exactly as given: not trimmed). Secret: never in an error, log line or event.
   */
  password?: string
  /** Mailbox (folder) the code emails land in. Default: env `AUTHMUX_IMAP_MAILBOX`, else `INBOX`. */
  mailbox?: string
  /**
   * TLS from the first byte (implicit TLS, port 993). `false`: a plain connection upgraded with STARTTLS (port 143),
   * which must succeed unless the host is a loopback address or `allowInsecure` is set. Default: env
   * `AUTHMUX_IMAP_SECURE` (`true`/`false`), else true — except on port 143.
   */
  secure?: boolean
  /**
   * Allow the login to travel in clear text to a non-loopback host whose server offers no STARTTLS (the password is
   * then readable on the network). Default false.
   */
  allowInsecure?: boolean
  /**
   * Which sender's emails hold the code. A string with `@` is one exact address; without `@` it is a domain and
   * matches every address at it and its subdomains; a RegExp is tested against the sender's address. Default: env
   * `AUTHMUX_IMAP_FROM`, else `axiom.trade`.
   */
  from?: string | RegExp
  /**
   * Where the code is in the email: the first capture group of the first match, or the whole match when the pattern
   * has no group. Searched in the subject, then the text part, then the HTML part (markup and styles removed).
   * Default: six digits not part of a longer number.
   */
  codePattern?: RegExp
  /** How long to wait for the email, in milliseconds, from the moment the code is asked for. Default 120000. */
  timeoutMs?: number
  /**
   * How often to search the mailbox again while waiting, in milliseconds. New mail wakes the search at once through
   * IMAP IDLE; this is the fallback for servers that do not announce it. Default 5000.
   */
  pollIntervalMs?: number
  /**
   * How long before the code was asked for an email may have arrived and still count, in milliseconds: covers the
   * login request (the email is often already there when the code is asked for) and the clock difference between
   * this machine and the mail server. Older emails belong to earlier logins and are ignored. Default 60000.
   */
  lookbackMs?: number
  /** Receives debug lines (server, mailbox, how many emails matched) — never the password or the code. */
  logger?: AuthLogger
  /** Where the `AUTHMUX_IMAP_*` variables are read: default the process environment; a map; `false` for none. */
  env?: EnvSource
}

/** The checked options of one `fromImap` source. */
export interface ImapSettings {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly mailbox: string
  readonly secure: boolean
  /** A plain connection may stay unencrypted (loopback host, or `allowInsecure`). */
  readonly cleartextAllowed: boolean
  readonly from: string | RegExp
  readonly codePattern: RegExp
  readonly timeoutMs: number
  readonly pollIntervalMs: number
  readonly lookbackMs: number
  readonly logger: AuthLogger | undefined
}

const PROVIDER = 'imap'
const MAX_TIMER_MS = 2_147_483_647

function configError(field: string, message: string): ConfigError {
  return new ConfigError(`${PACKAGE_NAME}: ${message}`, { provider: PROVIDER, field })
}

/** A whole number of milliseconds in `[min, MAX_TIMER_MS]`, or the default. */
function duration(value: number | undefined, field: string, min: number, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw configError(field, `${field} must be a whole number of milliseconds from ${min} to ${MAX_TIMER_MS}, e.g. { ${field}: ${fallback} }.`)
  }
  return value
}

function portOf(option: number | undefined, env: EnvSource): number | undefined {
  const raw = option ?? optionOrEnv(undefined, { field: 'port', envName: IMAP_ENV.port, env, provider: PROVIDER, packageName: PACKAGE_NAME })
  if (raw === undefined) return undefined
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    const where = option === undefined ? IMAP_ENV.port : 'port'
    throw configError('port', `${where} must be a TCP port from 1 to 65535 (993 for TLS, 143 for STARTTLS).`)
  }
  return port
}

function secureOf(option: boolean | undefined, port: number | undefined, env: EnvSource): boolean {
  if (option !== undefined) {
    if (typeof option !== 'boolean') throw configError('secure', 'secure must be true (TLS, port 993) or false (STARTTLS, port 143).')
    return option
  }
  const raw = optionOrEnv(undefined, { field: 'secure', envName: IMAP_ENV.secure, env, provider: PROVIDER, packageName: PACKAGE_NAME })
  if (raw === undefined) return port !== 143
  if (/^(true|1|yes)$/i.test(raw)) return true
  if (/^(false|0|no)$/i.test(raw)) return false
  throw configError('secure', `${IMAP_ENV.secure} must be true (TLS, port 993) or false (STARTTLS, port 143).`)
}

function senderOf(option: string | RegExp | undefined, env: EnvSource): string | RegExp {
  if (option instanceof RegExp) return new RegExp(option.source, option.flags.replace(/[gy]/g, ''))
  if (option !== undefined && typeof option !== 'string') throw configError('from', 'from must be an address, a domain or a RegExp.')
  const from = optionOrEnv(option, { field: 'from', envName: IMAP_ENV.from, env, provider: PROVIDER, packageName: PACKAGE_NAME })
  return from === undefined ? AXIOM_CODE_SENDER : from.toLowerCase()
}

/** Checks the options of `fromImap` (a `ConfigError` naming the option, its variable and the fix) and fills defaults. */
export function resolveImapSettings(options: FromImapOptions): ImapSettings {
  const { env } = options
  const spec = (field: keyof typeof IMAP_ENV, hint: string) => ({ field, envName: IMAP_ENV[field], env, provider: PROVIDER, packageName: PACKAGE_NAME, hint })
  const host = requireOption(options.host, spec('host', 'It is the server fromImap reads the one-time code from, e.g. imap.gmail.com.'))
  const user = requireOption(options.user, spec('user', 'It is the login name of the mailbox, usually its address.'))
  const password = requireOption(options.password, { ...spec('password', 'For Gmail and Outlook use an app password.'), trim: false })
  const mailbox = optionOrEnv(options.mailbox, spec('mailbox', '')) ?? 'INBOX'
  const port = portOf(options.port, env)
  const secure = secureOf(options.secure, port, env)
  const codePattern = options.codePattern ?? DEFAULT_CODE_PATTERN
  if (!(codePattern instanceof RegExp)) throw configError('codePattern', 'codePattern must be a RegExp, e.g. /code:\\s*(\\d{6})/.')
  return {
    host,
    port: port ?? (secure ? 993 : 143),
    user,
    password,
    mailbox,
    secure,
    cleartextAllowed: options.allowInsecure === true || isLoopbackHost(host),
    from: senderOf(options.from, env),
    codePattern: new RegExp(codePattern.source, codePattern.flags.replace(/[gy]/g, '')),
    timeoutMs: duration(options.timeoutMs, 'timeoutMs', 1, 120_000),
    pollIntervalMs: duration(options.pollIntervalMs, 'pollIntervalMs', 10, 5_000),
    lookbackMs: duration(options.lookbackMs, 'lookbackMs', 0, 60_000),
    logger: options.logger,
  }
}
