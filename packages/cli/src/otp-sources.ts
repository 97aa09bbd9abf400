import type { Context, OptionSpecs } from './context'
import { imapOtpSource } from './otp-imap-source'

/** What a one-time-code source is asked for, once Axiom has emailed the code. */
export interface OtpRequest {
  /** The Axiom account the code was sent to. */
  email: string
  /** Epoch ms just before the login started: a code in a message older than this belongs to an earlier login. */
  sentAfter: number
}

/** An opened source of one-time codes, for one login. */
export interface OtpReader {
  /** Resolves with the code Axiom emailed for `request` (e.g. after polling a mailbox). */
  code(request: OtpRequest): Promise<string>
  /** Releases what `open` took (a mailbox connection); runs when the login ends, whatever the outcome. */
  close?(): Promise<void> | void
}

/**
 * A source of Axiom's emailed one-time code besides the terminal, `--otp` and `--otp-stdin` — for an unattended
 * `authmux login axiom` (e.g. the code read from a mailbox over IMAP). Its flags join `authmux login`'s own (they apply
 * to axiom only), its help lines join the login help, and shell completion offers them.
 */
export interface OtpSource {
  /** Flags the source adds to `authmux login`, without the leading `--`. */
  options: OptionSpecs
  /** Lines for the "Options:" block of `authmux login --help`, formatted like the others (two-space indent). */
  help: string
  /**
   * Returns a reader when the login's flags (`ctx.flags`) or environment (`ctx.io.env`) select this source, else
   * `undefined`. Called once per Axiom login, before the password is sent. Throw a `UsageError` for bad flag values.
   */
  open(ctx: Context): OtpReader | undefined | Promise<OtpReader | undefined>
}

/**
 * The one-time-code sources `authmux login axiom` can use besides the terminal and stdin, tried in order: the first
 * whose `open` returns a reader supplies the code. Built in: a mailbox over IMAP (`--otp-imap-*`).
 */
export const OTP_SOURCES: OtpSource[] = [imapOtpSource]

/** The flags of every registered source. */
export function otpSourceOptions(): OptionSpecs {
  return Object.assign({}, ...OTP_SOURCES.map((source) => source.options))
}

/** Opens the first source the command line selects, if any. */
export async function openOtpSource(ctx: Context): Promise<OtpReader | undefined> {
  for (const source of OTP_SOURCES) {
    const reader = await source.open(ctx)
    if (reader) return reader
  }
  return undefined
}
