import { configError } from './config-error'
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

function encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text)
}

/** HMAC-SHA256 of `payload` under `secret`, as lower-case hex (Web Crypto). */
export async function computeWebhookSignature(payload: string | Uint8Array | ArrayBuffer, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  // A copy of a Uint8Array (its buffer may be shared or larger than the view); a view over an ArrayBuffer.
  const bytes = typeof payload === 'string' ? encode(payload) : new Uint8Array(payload as ArrayBuffer)
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes))
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Checks a webhook signature: hex HMAC-SHA256 of the raw body under the shared secret, compared in constant time.
 * Resolves `false` for a missing, malformed or wrong signature; never throws on attacker-controlled input.
 */
export async function verifyWebhookSignature(input: VerifyWebhookSignatureInput): Promise<boolean> {
  const { payload, signature, secret } = input
  if (typeof secret !== 'string' || secret === '') {
    throw configError('verifyWebhookSignature needs the webhook secret — pass { secret }.', 'secret')
  }
  if (typeof signature !== 'string') return false
  // Compared as lower-case hex text: a malformed, truncated or padded signature can never equal the expected digest.
  const given = encode(
    signature
      .trim()
      .replace(/^sha256=/i, '')
      .toLowerCase(),
  )
  return constantTimeEqual(encode(await computeWebhookSignature(payload, secret)), given)
}
