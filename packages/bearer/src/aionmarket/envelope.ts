import { ProviderError } from '@authmux/core'
import { keyRejected } from '../errors'

const provider = 'aionmarket'
const packageName = '@authmux/bearer'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The provider's own message from an error body (`msg`, `message`, `error`, `detail`), when it has one. */
export function providerMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined
  for (const field of ['msg', 'message', 'error', 'detail']) {
    const value = body[field]
    if (typeof value === 'string' && value) return value.slice(0, 200)
  }
  return undefined
}

/**
 * Accepts the three shapes AionMarket answers with — `{ code, data, msg }`, `{ success, data }` and the bare
 * object — and returns the payload. A wrapped failure (`success: false`, or a `code` other than 0/200) becomes a
 * typed error; a body `code` of 401 is the "key invalid or revoked" error.
 */
export function unwrapEnvelope(body: unknown): unknown {
  if (!isRecord(body)) return body
  const hasCode = 'code' in body && (typeof body.code === 'number' || typeof body.code === 'string')
  const hasSuccess = typeof body.success === 'boolean'
  if (!hasCode && !hasSuccess) return body
  const code = hasCode ? Number(body.code) : undefined
  const failed = body.success === false || (code !== undefined && code !== 0 && code !== 200)
  if (failed) {
    if (code === 401) throw keyRejected(packageName, provider, 'AIONMARKET_API_KEY')
    const detail = providerMessage(body)
    throw new ProviderError(`${packageName}: AionMarket answered an error${code !== undefined ? ` (code ${code})` : ''}${detail ? `: ${detail}` : ''}.`, {
      provider,
      ...(code !== undefined ? { providerCode: code } : {}),
    })
  }
  return 'data' in body ? body.data : body
}
