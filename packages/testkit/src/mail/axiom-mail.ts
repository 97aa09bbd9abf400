import type { InboxMessage } from '../inbox.js'
import type { MailMessageInput } from './message.js'

/**
 * The sender of the emulator's code emails. Axiom's real sender address is not published; the official Python SDK
 * accepts any sender containing "axiom", so the emulator uses a plausible address at Axiom's own domain.
 */
export const AXIOM_MAIL_FROM = 'Axiom <noreply@axiom.trade>'

/**
 * The one-time-code email as a mail server would store it: the inbox message's subject and text, plus an HTML
 * alternative styled like a transactional email (its CSS colours are digit-only hex values, as real ones often are).
 */
export function axiomCodeMail(message: InboxMessage, from: string = AXIOM_MAIL_FROM): MailMessageInput {
  const html = [
    '<!doctype html><html><head><style>body{color:#333333;background:#ffffff}.code{letter-spacing:4px;font-size:28px}</style></head>',
    '<body><table width="100%"><tr><td>',
    `<p>${message.text.replace(message.code, `<span class="code">${message.code}</span>`)}</p>`,
    '</td></tr></table></body></html>',
  ].join('')
  return { from, to: message.to, subject: message.subject, text: message.text, html, date: message.at }
}
