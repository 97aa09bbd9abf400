import { ConfigError } from '@authmux/core'
import { constantTimeEqual } from './constant-time'

/** Input of {@link verifyWebhookSignature}. */
export interface VerifyWebhookSignatureInput {
  /** The raw request body exactly as received (do not re-serialize parsed JSON). */
  payload: string | Uint8Array | ArrayBuffer
  /** The signature header value: lower- or upper-case hex, optionally prefixed `sha256=`. */
  signature: string | null | undefined
  /** The shared webhook secret. Secret: never logged. */
  secret: string
}

function toBytes(payload: string | Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (typeof payload === 'string') return new TextEncoder().encode(payload)
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload.slice(0))
  return new Uint8Array(payload)
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** HMAC-SHA256 of `payload` under `secret`, as lower-case hex (Web Crypto). */
export async function computeWebhookSignature(payload: string | Uint8Array | ArrayBuffer, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, toBytes(payload)))
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Checks a webhook signature: hex HMAC-SHA256 of the raw body under the shared secret, compared in constant time.
 * Resolves `false` for a missing, malformed or wrong signature; never throws on attacker-controlled input.
 */
export async function verifyWebhookSignature(input: VerifyWebhookSignatureInput): Promise<boolean> {
  const { payload, signature, secret } = input
  if (typeof secret !== 'string' || secret === '') {
    throw new ConfigError('@authmux/bearer: verifyWebhookSignature needs the webhook secret — pass { secret }.', { field: 'secret' })
  }
  if (typeof signature !== 'string') return false
  const given = hexToBytes(signature.trim().replace(/^sha256=/i, ''))
  if (!given) return false
  const expected = hexToBytes(await computeWebhookSignature(payload, secret))!
  return constantTimeEqual(expected, given)
}
