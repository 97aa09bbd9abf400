import { ConfigError } from '@authmux/core'

/** Fixed salt of Axiom's client-side password hash (32 bytes, hex). Public: it ships in Axiom's web client. */
export const AXIOM_PASSWORD_SALT_HEX = 'd903a17b35c8ce248f02dcfcf06dcc17d9ae4f9e124c95754928cf4d22c2c4a3'

/** PBKDF2 iteration count of Axiom's password hash. */
export const AXIOM_PASSWORD_ITERATIONS = 600_000

/** Derived key length in bytes. */
export const AXIOM_PASSWORD_KEY_BYTES = 32

/**
 * Axiom's `b64Password`: PBKDF2-HMAC-SHA256 over the UTF-8 password with the fixed salt, 600,000 iterations,
 * 32 bytes, standard base64 (44 characters). Uses Web Crypto only, so it runs in Node, browsers and edge runtimes.
 * The result is a secret: it logs in as well as the password does.
 */
export async function axiomPasswordHash(password: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) {
    throw new ConfigError('@authmux/password-login: Web Crypto (crypto.subtle) is not available in this runtime; use Node 20+ or a runtime with Web Crypto.', {
      provider: 'axiom',
    })
  }
  const key = await subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: hexToBytes(AXIOM_PASSWORD_SALT_HEX), iterations: AXIOM_PASSWORD_ITERATIONS },
    key,
    AXIOM_PASSWORD_KEY_BYTES * 8,
  )
  return bytesToBase64(new Uint8Array(bits))
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}
