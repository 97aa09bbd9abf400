import type { Context } from './context'
import { OTP_IMAP_FLAGS, OTP_IMAP_HELP, otpImapOptions } from './otp-imap-flags'
import { ask } from './prompt'
import { isInteractive } from './values'

/**
 * The mailbox password for `--otp-imap-password-stdin`: a hidden prompt on a terminal, else the next stdin line (read
 * after the Axiom password, which the login resolves first). `undefined` once stdin has ended.
 */
function mailboxPassword(ctx: Context): () => Promise<string | undefined> {
  return async () => {
    if (isInteractive(ctx.io)) return ask('Mailbox password: ', { input: ctx.io.stdin, output: ctx.io.stderr }, { hidden: true })
    return ctx.stdin.next()
  }
}

/**
 * The Axiom one-time code read from a mailbox over IMAP (`--otp-imap-*`, `AUTHMUX_IMAP_*`): an unattended
 * `authmux login axiom`. `imapflow` is loaded only when a login asks for it. An `OtpSource` — checked where
 * `OTP_SOURCES` lists it (this file does not import otp-sources.ts, so the two form no import cycle).
 */
export const imapOtpSource = {
  options: OTP_IMAP_FLAGS,
  help: OTP_IMAP_HELP,
  async open(ctx: Context): Promise<{ code: () => Promise<string> } | undefined> {
    const options = await otpImapOptions({
      flags: ctx.flags,
      env: ctx.io.env,
      onSecret: (value) => ctx.out.secret(value),
      readPassword: mailboxPassword(ctx),
    })
    if (!options) return undefined
    const { fromImap } = await import('@authmux/password-login/imap')
    // Checks the options now (a ConfigError before the Axiom password is sent). fromImap has no absolute "not
    // before" time: it takes the newest unread code email that arrived from `lookbackMs` (60 s) before the code is
    // asked for — which is right after Axiom sent it — so the request's `sentAfter` is not needed.
    const otp = fromImap(options)
    return { code: () => otp() }
  },
}
