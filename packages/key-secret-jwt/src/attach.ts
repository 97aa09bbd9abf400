import { ConfigError, isHeaderSafe } from '@authmux/core'
import { isValidHeaderName } from '@authmux/core/provider'
import type { Label } from './token-set'
import type { TokenAttachment } from './types'

/** The header name and value that carry `token`. */
export function tokenHeader(token: string, attach: TokenAttachment = {}): [name: string, value: string] {
  const header = attach.header ?? 'Authorization'
  const scheme = attach.scheme === undefined ? 'Bearer' : attach.scheme
  return [header, scheme ? `${scheme} ${token}` : token]
}

/** Refuses an `attach` option that cannot build a header: a `ConfigError` naming `attach.header` or `attach.scheme`. */
export function assertAttachment(attach: TokenAttachment | undefined, label: Label): void {
  if (attach?.header !== undefined && !isValidHeaderName(attach.header)) {
    throw new ConfigError(
      `${label.packageName}: attach.header is not a valid HTTP header name — use letters, digits and - (e.g. 'Authorization' or 'X-Session-Token').`,
      { provider: label.name, field: 'attach.header' },
    )
  }
  const scheme = attach?.scheme
  if (scheme && !isHeaderSafe(scheme)) {
    throw new ConfigError(
      `${label.packageName}: attach.scheme contains characters that cannot be sent in an HTTP header (CR, LF, control or non-ASCII) — use a plain word like 'Bearer', or null for the bare token.`,
      { provider: label.name, field: 'attach.scheme' },
    )
  }
}
