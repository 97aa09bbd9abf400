import type { FetchMessageObject, ImapFlow, MessageStructureObject, SearchObject } from 'imapflow'
import { codeIn, htmlToText, senderMatches } from './extract'
import type { ImapSettings } from './options'

/** An email that holds a code: its UID (to flag it as read) and the code. */
export interface FoundCode {
  uid: number
  code: string
}

const DAY_MS = 86_400_000
/** Larger text parts are read only this far (a code email is a few kilobytes). */
const MAX_PART_BYTES = 512 * 1024

const receivedAt = (message: FetchMessageObject) => (message.internalDate ? new Date(message.internalDate).getTime() : 0)

/** The message's non-attachment text parts, plain text first, then HTML (a single-part message is part 1). */
function textParts(root: MessageStructureObject | undefined): { part: string; html: boolean }[] {
  const found: { part: string; html: boolean }[] = []
  const visit = (node: MessageStructureObject) => {
    if (node.childNodes?.length) {
      for (const child of node.childNodes) visit(child)
      return
    }
    const type = node.type.toLowerCase()
    if (node.disposition?.toLowerCase() === 'attachment' || (type !== 'text/plain' && type !== 'text/html')) return
    found.push({ part: node.part ?? '1', html: type === 'text/html' })
  }
  if (root) visit(root)
  return found.sort((a, b) => Number(a.html) - Number(b.html))
}

async function download(client: ImapFlow, uid: number, part: string): Promise<string> {
  const { content } = await client.download(String(uid), part, { uid: true, maxBytes: MAX_PART_BYTES })
  if (!content) return ''
  // Text parts come decoded to UTF-8 (transfer encoding removed, charset converted).
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of content) text += decoder.decode(chunk as Uint8Array, { stream: true })
  return text + decoder.decode()
}

/** The code in one email: its subject first, then its text part, then its HTML part. */
async function codeOf(client: ImapFlow, message: FetchMessageObject, pattern: RegExp): Promise<string | undefined> {
  const inSubject = codeIn(message.envelope?.subject, pattern)
  if (inSubject) return inSubject
  for (const { part, html } of textParts(message.bodyStructure)) {
    const text = await download(client, message.uid, part)
    const code = codeIn(html ? htmlToText(text) : text, pattern)
    if (code) return code
  }
  return undefined
}

/** What one search of the mailbox saw, for the debug log. */
export interface SearchReport {
  /** Emails from the sender, unread, arrived since the cut-off. */
  candidates: number
  found: FoundCode | undefined
}

/**
 * The code in the newest unread email from the sender that arrived at or after `sinceMs` (the server's INTERNALDATE,
 * second precision). An email without a code is passed over for the next newest. Read-only: flags are not changed.
 */
export async function newestCode(client: ImapFlow, settings: ImapSettings, sinceMs: number): Promise<SearchReport> {
  // SEARCH SINCE compares dates in the server's time zone: a day earlier is a safe superset, filtered exactly below.
  const query: SearchObject = { seen: false, since: new Date(sinceMs - DAY_MS) }
  if (typeof settings.from === 'string') query.from = settings.from
  const uids = await client.search(query, { uid: true })
  if (!uids || uids.length === 0) return { candidates: 0, found: undefined }
  const cutoff = Math.floor(sinceMs / 1000) * 1000
  const fetched = await client.fetchAll(uids, { uid: true, flags: true, envelope: true, internalDate: true, bodyStructure: true }, { uid: true })
  const candidates = fetched
    .filter((m) => !m.flags?.has('\\Seen') && receivedAt(m) >= cutoff && (m.envelope?.from ?? []).some((a) => senderMatches(a.address, settings.from)))
    .sort((a, b) => receivedAt(b) - receivedAt(a) || b.uid - a.uid)
  for (const message of candidates) {
    const code = await codeOf(client, message, settings.codePattern)
    if (code) return { candidates: candidates.length, found: { uid: message.uid, code } }
  }
  return { candidates: candidates.length, found: undefined }
}
