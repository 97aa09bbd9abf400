import { decodeJwt } from 'jose'

/** Server expiry information, in whichever form the provider gives it. */
export interface ExpiryInput {
  /** Lifetime in seconds from now (`expires_in`). */
  expiresInSeconds?: number
  /** Absolute expiry on the server's clock: ISO-8601 string, or epoch ms (numbers below 1e12 are read as seconds). */
  expiresAt?: string | number
  /** A JWT whose `exp` claim is used when neither field above is given. */
  jwt?: string
}

/** Reads the `exp` claim of a JWT as epoch ms (server clock), or undefined when absent or not a JWT. Never verifies. */
export function decodeJwtExpiry(jwt: string | undefined): number | undefined {
  const claims = decodeJwtClaims(jwt)
  return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined
}

/** Reads the `iat` claim of a JWT as epoch ms, when present. */
export function decodeJwtIssuedAt(jwt: string | undefined): number | undefined {
  const claims = decodeJwtClaims(jwt)
  return typeof claims?.iat === 'number' ? claims.iat * 1000 : undefined
}

function decodeJwtClaims(jwt: string | undefined): { exp?: unknown; iat?: unknown } | undefined {
  if (jwt?.split('.').length !== 3) return undefined
  try {
    return decodeJwt(jwt)
  } catch {
    return undefined
  }
}

/**
 * Turns server expiry information into `expiresAt` on the local clock: `expires_in` is relative to now;
 * absolute times (field or JWT `exp`) are on the server's clock and are shifted by `skewMs` (server − local).
 */
export function resolveExpiry(input: ExpiryInput, clock: { now: number; skewMs: number }): number | undefined {
  if (typeof input.expiresInSeconds === 'number' && Number.isFinite(input.expiresInSeconds)) {
    return saneExpiry(clock.now + input.expiresInSeconds * 1000, clock.now)
  }
  const absolute = parseAbsolute(input.expiresAt) ?? decodeJwtExpiry(input.jwt)
  return absolute === undefined ? undefined : saneExpiry(absolute - clock.skewMs, clock.now)
}

/** Longest token lifetime the engine believes: an expiry further out than this is treated as unknown. */
export const MAX_BELIEVED_LIFETIME_MS = 50 * 365 * 24 * 3600 * 1000

/**
 * An expiry the engine can store and compute with: finite and at most `MAX_BELIEVED_LIFETIME_MS` ahead of `now`,
 * else undefined (unknown). `exp: 1e308` or `expires_in: 1e300` are provider bugs, not tokens that live forever;
 * an unknown expiry is renewed on its first 401 instead.
 */
export function saneExpiry(expiresAt: number | undefined, now: number): number | undefined {
  if (expiresAt === undefined || !Number.isFinite(expiresAt)) return undefined
  return expiresAt - now > MAX_BELIEVED_LIFETIME_MS ? undefined : expiresAt
}

function parseAbsolute(value: string | number | undefined): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value
  if (typeof value === 'string' && value.trim() !== '') {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}

/** Default bound on a believed clock skew: a server whose `Date` is further off than this is not believed. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 60 * 60 * 1000

/**
 * Learns the server clock from `Date` headers. `Date` has one-second resolution, so differences under
 * `toleranceMs` are treated as no skew. A difference beyond `maxSkewMs` (a server claiming to live years ahead) is not
 * believed: the last believed skew stays, and `onDistrust` is told once.
 */
export class SkewTracker {
  #skewMs = 0
  #distrusted = false
  readonly #maxSkewMs: number
  readonly #toleranceMs: number
  readonly #onDistrust: ((skewMs: number) => void) | undefined

  constructor(options: { maxSkewMs?: number; toleranceMs?: number; onDistrust?: (skewMs: number) => void } = {}) {
    this.#maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
    this.#toleranceMs = options.toleranceMs ?? 2000
    this.#onDistrust = options.onDistrust
  }

  get skewMs(): number {
    return this.#skewMs
  }

  observe(dateHeader: string | null, localNow: number): void {
    if (!dateHeader) return
    const server = Date.parse(dateHeader)
    if (Number.isNaN(server)) return
    const skew = server - localNow
    if (Math.abs(skew) > this.#maxSkewMs) {
      if (!this.#distrusted) this.#onDistrust?.(skew)
      this.#distrusted = true
      return
    }
    this.#skewMs = Math.abs(skew) < this.#toleranceMs ? 0 : skew
  }
}
