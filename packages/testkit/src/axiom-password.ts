import { pbkdf2 } from 'node:crypto'

/** Axiom's fixed PBKDF2 salt (hex), as used by its web client since January 2026. */
export const AXIOM_PASSWORD_SALT_HEX = 'd903a17b35c8ce248f02dcfcf06dcc17d9ae4f9e124c95754928cf4d22c2c4a3'
/** PBKDF2-HMAC-SHA256 iteration count of Axiom's password encoding. */
export const AXIOM_PASSWORD_ITERATIONS = 600_000

const cache = new Map<string, Promise<string>>()

/**
 * Axiom's `b64Password`: base64(PBKDF2-HMAC-SHA256(password, fixed salt, 600 000 iterations, 32 bytes)).
 * Takes a few hundred ms, so results are cached per process.
 */
export function axiomB64Password(password: string): Promise<string> {
  let pending = cache.get(password)
  if (!pending) {
    pending = new Promise<string>((resolve, reject) => {
      pbkdf2(password, Buffer.from(AXIOM_PASSWORD_SALT_HEX, 'hex'), AXIOM_PASSWORD_ITERATIONS, 32, 'sha256', (error, key) => {
        if (error) reject(error)
        else resolve(key.toString('base64'))
      })
    })
    cache.set(password, pending)
    pending.catch(() => cache.delete(password))
  }
  return pending
}
