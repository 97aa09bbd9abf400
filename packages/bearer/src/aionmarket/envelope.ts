import { ProviderError } from '@authmux/core'
import { keyRejected } from '../errors'
import { PACKAGE_NAME } from '../package-name'
import { AIONMARKET, AIONMARKET_KEY_SOURCE } from './options'

type Body = Record<string, unknown> | null | undefined

/** Secrets a provider message may echo back (the key the request carried): never quoted. */
export type EchoedSecrets = ReadonlyArray<string | undefined>

/** Longest provider message quoted in an error, in characters. */
const MAX_QUOTED = 200

/**
 * The provider's own message from an error body (`msg`, `message`, `error`, `detail`), when it has one: the echoed
 * secrets replaced by `[REDACTED]` first, then cut at a word boundary (a cut never leaves part of a secret behind).
 */
function providerMessage(body: unknown, echoed: EchoedSecrets): string | undefined {
  for (const field of ['msg', 'message', 'error', 'detail']) {
    const value = (body as Body)?.[field]
    if (typeof value !== 'string' || !value) continue
    const text = hide(value, echoed)
    return text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED).replace(/\S*$/, '')}…`
  }
  return undefined
}

/**
 * An AionMarket failure as a `ProviderError`: `"AionMarket answered <what>: <its message>."`, carrying `code` as
 * the provider code when it is a string or number. A 2xx-wrapped failure never passes the engine's redaction, so
 * `echoed` (the key the request carried) is hidden here.
 */
export function aionMarketError(what: string, body: unknown, code: unknown, status?: number, echoed: EchoedSecrets = []): ProviderError {
  const detail = providerMessage(body, echoed)
  return new ProviderError(`${PACKAGE_NAME}: AionMarket answered ${what}${detail ? `: ${detail}` : ''}.`, {
    provider: AIONMARKET,
    status,
    providerCode: typeof code === 'number' ? code : typeof code === 'string' ? hide(code, echoed) : undefined,
  })
}

/** `text` with every echoed secret replaced (a provider may put anything in its `code` field, the key included). */
function hide(text: string, echoed: EchoedSecrets): string {
  let out = text
  for (const secret of echoed) if (secret) out = out.split(secret).join('[REDACTED]')
  return out
}

/**
 * Accepts the three shapes AionMarket answers with — `{ code, data, msg }`, `{ success, data }` and the bare
 * object — and returns the payload. A wrapped failure (`success: false`, or a `code` other than 0/200) becomes a
 * typed error quoting the provider's message without `echoed`; a body `code` of 401 is the "key invalid or revoked"
 * error.
 */
export function unwrapEnvelope(body: unknown, echoed: EchoedSecrets = []): unknown {
  // An array (or a primitive) has neither `code` nor `success`: returned as is.
  if (typeof body !== 'object' || body === null) return body
  const { code: rawCode, success } = body as Record<string, unknown>
  const hasCode = typeof rawCode === 'number' || typeof rawCode === 'string'
  if (!hasCode && typeof success !== 'boolean') return body
  const code = hasCode ? Number(rawCode) : undefined
  if (success === false || (code !== undefined && code !== 0 && code !== 200)) {
    if (code === 401) throw keyRejected(AIONMARKET_KEY_SOURCE)
    // A numeric code as a number; one that is not a number ('E_CLOSED') as sent.
    const numeric = code !== undefined && Number.isFinite(code)
    throw aionMarketError(numeric ? `an error (code ${code})` : 'an error', body, numeric ? code : rawCode, undefined, echoed)
  }
  return 'data' in body ? (body as { data: unknown }).data : body
}
