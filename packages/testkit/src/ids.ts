import { randomBytes, randomInt, randomUUID } from 'node:crypto'

/** A random UUID v4. */
export const uuid = (): string => randomUUID()

/** `length` random alphanumeric characters. */
export function alphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}

/** URL-safe base64 of `bytes` random bytes (like Python's `secrets.token_urlsafe`). */
export const urlSafeToken = (bytes: number): string => randomBytes(bytes).toString('base64url')

/** Standard base64 of `bytes` random bytes. */
export const base64Token = (bytes: number): string => randomBytes(bytes).toString('base64')

/** A 6-digit one-time code. */
export const sixDigitCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')
