import { createHmac, randomBytes } from 'node:crypto'

/**
 * Where an emulator's generated values come from: API keys, secrets, account and agent ids, one-time codes. Random
 * by default; seeded (`createIds(seed)`), the same seed gives the same values in the same order — reproducible
 * credentials across restarts and machines.
 */
export interface IdSource {
  /** A UUID v4. */
  uuid(): string
  /** `length` alphanumeric characters. */
  alphanumeric(length: number): string
  /** URL-safe base64 of `bytes` bytes (like Python's `secrets.token_urlsafe`). */
  urlSafeToken(bytes: number): string
  /** Standard base64 of `bytes` bytes. */
  base64Token(bytes: number): string
  /** A 6-digit one-time code. */
  sixDigitCode(): string
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A stream of bytes: the system's random generator, or HMAC-SHA256(seed, counter) blocks for a seed. */
function byteSource(seed: string | undefined): (count: number) => Buffer {
  if (seed === undefined) return (count) => randomBytes(count)
  let counter = 0
  let pool = Buffer.alloc(0)
  return (count) => {
    while (pool.length < count) {
      const block = createHmac('sha256', seed).update(String(counter++)).digest()
      pool = Buffer.concat([pool, block])
    }
    const out = pool.subarray(0, count)
    pool = pool.subarray(count)
    return Buffer.from(out)
  }
}

/** Values from `seed` (reproducible), or random ones without a seed. `scope` gives each provider its own sequence. */
export function createIds(seed?: string, scope = ''): IdSource {
  const bytes = byteSource(seed === undefined ? undefined : `${seed}/${scope}`)
  /** An integer in [0, max) without modulo bias (rejection sampling on one byte; max ≤ 256). */
  const below = (max: number) => {
    const limit = 256 - (256 % max)
    for (;;) {
      const byte = bytes(1)[0]!
      if (byte < limit) return byte % max
    }
  }
  return {
    uuid() {
      const b = bytes(16)
      b[6] = (b[6]! & 0x0f) | 0x40
      b[8] = (b[8]! & 0x3f) | 0x80
      const hex = b.toString('hex')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    },
    alphanumeric(length) {
      let out = ''
      for (let i = 0; i < length; i++) out += ALPHABET[below(ALPHABET.length)]
      return out
    },
    urlSafeToken: (count) => bytes(count).toString('base64url'),
    base64Token: (count) => bytes(count).toString('base64'),
    sixDigitCode() {
      for (;;) {
        const n = bytes(4).readUInt32BE(0)
        if (n < 4_294_000_000) return String(n % 1_000_000).padStart(6, '0')
      }
    },
  }
}

const RANDOM = createIds()

/** A random UUID v4. */
export const uuid = (): string => RANDOM.uuid()

/** URL-safe base64 of `bytes` random bytes (like Python's `secrets.token_urlsafe`). */
export const urlSafeToken = (bytes: number): string => RANDOM.urlSafeToken(bytes)

/** A 6-digit one-time code. */
export const sixDigitCode = (): string => RANDOM.sixDigitCode()
