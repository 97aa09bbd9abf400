import { ProviderError } from '@authmux/core'
import { keyRejected } from '../errors'
import { PACKAGE_NAME } from '../package-name'
import { AIONMARKET, AIONMARKET_KEY_ENV } from './options'

type Body = Record<string, unknown> | null | undefined

/** The provider's own message from an error body (`msg`, `message`, `error`, `detail`), when it has one. */
function providerMessage(body: unknown): string | undefined {
  for (const field of ['msg', 'message', 'error', 'detail']) {
    const value = (body as Body)?.[field]
    if (typeof value === 'string' && value) return value.slice(0, 200)
  }
  return undefined
}

/**
 * An AionMarket failure as a `ProviderError`: `"AionMarket answered <what>: <its message>."`, carrying `code` as
 * the provider code when it is a string or number.
 */
export function aionMarketError(what: string, body: unknown, code: unknown, status?: number): ProviderError {
  const detail = providerMessage(body)
  return new ProviderError(`${PACKAGE_NAME}: AionMarket answered ${what}${detail ? `: ${detail}` : ''}.`, {
    provider: AIONMARKET,
    status,
    providerCode: typeof code === 'string' || typeof code === 'number' ? code : undefined,
  })
}

/**
 * Accepts the three shapes AionMarket answers with — `{ code, data, msg }`, `{ success, data }` and the bare
 * object — and returns the payload. A wrapped failure (`success: false`, or a `code` other than 0/200) becomes a
 * typed error; a body `code` of 401 is the "key invalid or revoked" error.
 */
export function unwrapEnvelope(body: unknown): unknown {
  // An array (or a primitive) has neither `code` nor `success`: returned as is.
  if (typeof body !== 'object' || body === null) return body
  const { code: rawCode, success } = body as Record<string, unknown>
  const hasCode = typeof rawCode === 'number' || typeof rawCode === 'string'
  if (!hasCode && typeof success !== 'boolean') return body
  const code = hasCode ? Number(rawCode) : undefined
  if (success === false || (code !== undefined && code !== 0 && code !== 200)) {
    if (code === 401) throw keyRejected(AIONMARKET, AIONMARKET_KEY_ENV)
    throw aionMarketError(code === undefined ? 'an error' : `an error (code ${code})`, body, code)
  }
  return 'data' in body ? (body as { data: unknown }).data : body
}
