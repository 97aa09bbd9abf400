import { ConfigError } from '@authmux/core'
import { PACKAGE_NAME } from '../flow'

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
    throw new ConfigError(
      `${PACKAGE_NAME}: Web Crypto (crypto.subtle) is not available in this runtime, so the Axiom password cannot be hashed — use Node 20+ or a runtime with Web Crypto, or import tokens with setTokens().`,
      {
        provider: 'axiom',
      },
    )
  }
  const key = await subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const salt = Uint8Array.from(AXIOM_PASSWORD_SALT_HEX.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16))
  let bits: ArrayBuffer
  try {
    bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: AXIOM_PASSWORD_ITERATIONS }, key, AXIOM_PASSWORD_KEY_BYTES * 8)
  } catch (error) {
    throw iterationsRefused(error)
  }
  return btoa(String.fromCharCode(...new Uint8Array(bits)))
}

/**
 * The runtime refused the hash itself — Cloudflare's hosted Workers cap PBKDF2 at 100,000 iterations. Nothing the
 * user typed is wrong, and no setting makes the login possible there: the way out is tokens obtained elsewhere.
 */
function iterationsRefused(error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message : String(error)
  return new ConfigError(
    `${PACKAGE_NAME}: this runtime refused to compute Axiom's password hash (PBKDF2-SHA256, ${AXIOM_PASSWORD_ITERATIONS.toLocaleString('en-US')} iterations): ${reason}. Cloudflare's hosted Workers cap PBKDF2 at 100,000 iterations, so a password login cannot run there. Log in once elsewhere (\`authmux login axiom\`) and give the Worker the tokens (initialTokens or setTokens()) with a store it can read.`,
    { provider: 'axiom', field: 'password', cause: error },
  )
}
