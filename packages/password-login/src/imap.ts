/**
 * `@authmux/password-login/imap`: one-time codes read from a mailbox over IMAP, for unattended logins. Needs the
 * `imapflow` package (an optional peer dependency: `npm i imapflow`); only this entry loads it, so the main entry stays
 * Web-API-only.
 *
 * ```ts
 * import { createAxiomAuth } from '@authmux/password-login'
 * import { fromImap } from '@authmux/password-login/imap'
 *
 * const axiom = createAxiomAuth({ email, password, otp: fromImap({ host: 'imap.gmail.com', user, password: appPassword }) })
 * ```
 */
export { fromImap } from './imap/from-imap'
export { AXIOM_CODE_SENDER, DEFAULT_CODE_PATTERN, IMAP_ENV, type FromImapOptions } from './imap/options'
