import type { TokenAttachment } from './types'

/** The header name and value that carry `token`. */
export function tokenHeader(token: string, attach: TokenAttachment = {}): [name: string, value: string] {
  const header = attach.header ?? 'Authorization'
  const scheme = attach.scheme === undefined ? 'Bearer' : attach.scheme
  return [header, scheme ? `${scheme} ${token}` : token]
}
