import { randomBytes } from 'node:crypto'

/** What `buildMailMessage` writes into one RFC 5322 message. */
export interface MailMessageInput {
  /** The `From` header, e.g. `Axiom <noreply@axiom.trade>`. */
  from: string
  /** The `To` header, e.g. `me@example.com`. */
  to: string
  /** The subject; non-ASCII text is written as an RFC 2047 encoded word. */
  subject: string
  /** The plain-text body. At least one of `text` and `html` is needed; with both, the message is multipart/alternative. */
  text?: string
  /** The HTML body. */
  html?: string
  /** The `Date` header, as epoch ms or a Date. Default: now. */
  date?: number | Date
  /** The `Message-ID` header without the angle brackets. Default: a random id at the sender's domain. */
  messageId?: string
}

const CRLF = '\r\n'

/** RFC 5322 date-time: `Tue, 14 Nov 2023 22:13:20 +0000`. */
export function rfc5322Date(date: number | Date): string {
  return new Date(date).toUTCString().replace(/GMT$/, '+0000')
}

/** A header value as is when it is plain ASCII, else one RFC 2047 `B` encoded word (UTF-8). */
function headerText(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`
}

/** One body part: 7bit when the text is short-lined ASCII, else base64 (lines of 76). */
function bodyPart(contentType: string, content: string): string {
  const lines = content.replace(/\r?\n/g, CRLF)
  if (/^[\x09\x0a\x0d\x20-\x7e]*$/.test(content) && lines.split(CRLF).every((line) => line.length <= 998)) {
    return `Content-Type: ${contentType}; charset=utf-8${CRLF}Content-Transfer-Encoding: 7bit${CRLF}${CRLF}${lines}`
  }
  const encoded = Buffer.from(content, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, (chunk) => `${chunk}${CRLF}`)
  return `Content-Type: ${contentType}; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${encoded.trimEnd()}`
}

/**
 * Builds an RFC 5322 message (CRLF line ends, MIME 1.0): a single text or HTML part, or multipart/alternative when
 * both are given — what a mail server stores and an IMAP client reads.
 */
export function buildMailMessage(input: MailMessageInput): string {
  if (input.text === undefined && input.html === undefined) {
    throw new TypeError('@authmux/testkit: buildMailMessage needs text or html.')
  }
  const domain = /@([^>\s]+)>?\s*$/.exec(input.from)?.[1] ?? 'authmux.test'
  const headers = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${headerText(input.subject)}`,
    `Date: ${rfc5322Date(input.date ?? Date.now())}`,
    `Message-ID: <${input.messageId ?? `${randomBytes(12).toString('hex')}@${domain}`}>`,
    'MIME-Version: 1.0',
  ]
  const parts = [
    ...(input.text === undefined ? [] : [bodyPart('text/plain', input.text)]),
    ...(input.html === undefined ? [] : [bodyPart('text/html', input.html)]),
  ]
  if (parts.length === 1) return `${headers.join(CRLF)}${CRLF}${parts[0]}${CRLF}`
  const boundary = `authmux-${randomBytes(12).toString('hex')}`
  const body = parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join('')
  return `${headers.join(CRLF)}${CRLF}Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}${CRLF}${body}--${boundary}--${CRLF}`
}
