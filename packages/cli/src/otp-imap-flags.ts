import type { FromImapOptions } from '@authmux/password-login/imap'
import { UsageError } from './errors'

/**
 * The `authmux login axiom` flags that read the one-time code from a mailbox over IMAP (an unattended login), as
 * `node:util` `parseArgs` options: merge them into the login command's `options`.
 */
export const OTP_IMAP_FLAGS = {
  'otp-imap-host': { type: 'string' },
  'otp-imap-port': { type: 'string' },
  'otp-imap-user': { type: 'string' },
  'otp-imap-password-stdin': { type: 'boolean' },
  'otp-imap-mailbox': { type: 'string' },
  'otp-imap-from': { type: 'string' },
  'otp-imap-timeout-seconds': { type: 'string' },
  'otp-imap-secure': { type: 'boolean' },
  'otp-imap-starttls': { type: 'boolean' },
  'otp-imap-insecure': { type: 'boolean' },
} as const

/** The help lines of those flags, for `authmux login --help`. */
export const OTP_IMAP_HELP = `Axiom code from a mailbox (IMAP; unattended, instead of --otp / --otp-stdin):
  --otp-imap-host <host>         IMAP server, e.g. imap.gmail.com (AUTHMUX_IMAP_HOST): reads the code from the mailbox
  --otp-imap-port <port>         Port (AUTHMUX_IMAP_PORT; default 993, or 143 with --otp-imap-starttls)
  --otp-imap-user <user>         Mailbox login, usually its address (AUTHMUX_IMAP_USER)
  --otp-imap-password-stdin      Read the mailbox password from stdin (else AUTHMUX_IMAP_PASSWORD); Gmail, Outlook:
                                 an app password. Read after the Axiom password when both come from stdin
  --otp-imap-mailbox <folder>    Folder the code email lands in (AUTHMUX_IMAP_MAILBOX; default INBOX)
  --otp-imap-from <sender>       Address or domain the code email comes from (AUTHMUX_IMAP_FROM; default axiom.trade)
  --otp-imap-timeout-seconds <s> How long to wait for the code email (default 120)
  --otp-imap-secure              TLS from the first byte (the default, port 993)
  --otp-imap-starttls            A plain connection upgraded with STARTTLS (port 143); refused without STARTTLS
  --otp-imap-insecure            Allow a clear-text login to a server without STARTTLS (a trusted network only)`

/** What `otpImapOptions` reads. */
export interface OtpImapInput {
  /** The parsed flags of the command. */
  flags: Record<string, unknown>
  /** The environment (`ctx.io.env`): `AUTHMUX_IMAP_*` fill in what the flags leave out. */
  env: Record<string, string | undefined>
  /** Reads the mailbox password for `--otp-imap-password-stdin`: the next stdin line, or a hidden prompt on a terminal. */
  readPassword: () => Promise<string | undefined>
  /** Registers a secret with the CLI's output, so it is never printed (`ctx.out.secret`). */
  onSecret: (value: string) => void
  /** The command, for "run authmux <command> --help". Default `login`. */
  command?: string
}

const HOST_ENV = 'AUTHMUX_IMAP_HOST'
const USER_ENV = 'AUTHMUX_IMAP_USER'
const PASSWORD_ENV = 'AUTHMUX_IMAP_PASSWORD'

const flagNames = Object.keys(OTP_IMAP_FLAGS) as (keyof typeof OTP_IMAP_FLAGS)[]

/**
 * The `fromImap` options the flags and `AUTHMUX_IMAP_*` variables ask for, or undefined when the code is not to be
 * read from a mailbox. Reading is on when an `--otp-imap-*` flag is given or `AUTHMUX_IMAP_HOST` is set, unless
 * `--otp` / `--otp-stdin` give the code (with an `--otp-imap-*` flag too, that is a usage error). A missing host,
 * user or password, a bad number or contradictory flags are `UsageError`s naming the flag and its variable.
 */
export async function otpImapOptions(input: OtpImapInput): Promise<FromImapOptions | undefined> {
  const { flags, env } = input
  const command = input.command ?? 'login'
  const usage = (message: string) => new UsageError(message, { command })
  const text = (name: keyof typeof OTP_IMAP_FLAGS) => {
    const value = flags[name]
    if (value === undefined) return undefined
    if (typeof value !== 'string' || !value.trim()) throw usage(`--${name} is empty.`)
    return value.trim()
  }
  const given = flagNames.filter((name) => flags[name] !== undefined)
  const codeGiven = ['otp', 'otp-stdin'].find((name) => flags[name] !== undefined)
  if (codeGiven && given.length > 0) throw usage(`--${codeGiven} and --${given[0]} both give the one-time code: use one of them.`)
  if (codeGiven || (given.length === 0 && !env[HOST_ENV]?.trim())) return undefined

  const host = text('otp-imap-host') ?? env[HOST_ENV]?.trim()
  if (!host) throw usage(`the IMAP server is missing: pass --otp-imap-host <host> or set ${HOST_ENV}.`)
  const user = text('otp-imap-user') ?? env[USER_ENV]?.trim()
  if (!user) throw usage(`the mailbox login is missing: pass --otp-imap-user <user> or set ${USER_ENV}.`)
  const password = flags['otp-imap-password-stdin'] === true ? await input.readPassword() : env[PASSWORD_ENV]
  if (!password?.trim()) {
    throw usage(`the mailbox password is missing: pass --otp-imap-password-stdin (one line on stdin) or set ${PASSWORD_ENV}.`)
  }
  input.onSecret(password)

  const options: FromImapOptions = { host, user, password, env }
  const port = text('otp-imap-port')
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw usage(`--otp-imap-port must be a port from 1 to 65535 (993, 143).`)
    options.port = Number(port)
  }
  const timeout = text('otp-imap-timeout-seconds')
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw usage('--otp-imap-timeout-seconds must be a whole number of seconds, e.g. 120.')
    options.timeoutMs = Number(timeout) * 1000
  }
  const mailbox = text('otp-imap-mailbox')
  if (mailbox !== undefined) options.mailbox = mailbox
  const from = text('otp-imap-from')
  if (from !== undefined) options.from = from

  const modes = (['otp-imap-secure', 'otp-imap-starttls', 'otp-imap-insecure'] as const).filter((name) => flags[name] === true)
  if (modes.length > 1) throw usage(`--${modes[0]} and --${modes[1]} contradict each other: use one of them.`)
  if (modes[0] === 'otp-imap-secure') options.secure = true
  if (modes[0] === 'otp-imap-starttls') options.secure = false
  if (modes[0] === 'otp-imap-insecure') Object.assign(options, { secure: false, allowInsecure: true })
  return options
}
