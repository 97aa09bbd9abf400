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
    return clock.now + input.expiresInSeconds * 1000
  }
  const absolute = parseAbsolute(input.expiresAt) ?? decodeJwtExpiry(input.jwt)
  return absolute === undefined ? undefined : absolute - clock.skewMs
}

function parseAbsolute(value: string | number | undefined): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value
  if (typeof value === 'string' && value.trim() !== '') {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}

/**
 * Learns the server clock from `Date` headers. `Date` has one-second resolution, so differences under
 * `toleranceMs` are treated as no skew.
 */
export class SkewTracker {
  #skewMs = 0
  constructor(private readonly toleranceMs = 2000) {}

  get skewMs(): number {
    return this.#skewMs
  }

  observe(dateHeader: string | null, localNow: number): void {
    if (!dateHeader) return
    const server = Date.parse(dateHeader)
    if (Number.isNaN(server)) return
    const skew = server - localNow
    this.#skewMs = Math.abs(skew) < this.toleranceMs ? 0 : skew
  }
}
