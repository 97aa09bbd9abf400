import { decodeJwtIssuedAt, resolveExpiry, saneExpiry } from './expiry'
import type { TokenSet } from './types'

/**
 * Completes a checked token set: the previous refresh token is kept when none came back, the expiry comes from the
 * set or else the JWT `exp` (skew-corrected, absurd values treated as unknown), and `meta.issuedAt` orders sets
 * (newest wins). `imported` sets (from the user) take their issue time from the JWT `iat` when it is plausible.
 */
export function completeTokenSet(tokens: TokenSet, previous: TokenSet | undefined, clock: { now: number; skewMs: number }, imported: boolean): TokenSet {
  const { now, skewMs } = clock
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken
  const expiresAt = tokens.expiresAt !== undefined ? saneExpiry(tokens.expiresAt, now) : resolveExpiry({ jwt: tokens.accessToken }, clock)
  const issuedAt = typeof tokens.meta?.issuedAt === 'number' ? tokens.meta.issuedAt : imported ? inferIssuedAt(tokens.accessToken, now, skewMs) : now
  const completed: TokenSet = { accessToken: tokens.accessToken, meta: { ...previous?.meta, ...tokens.meta, issuedAt } }
  if (refreshToken !== undefined) completed.refreshToken = refreshToken
  if (expiresAt !== undefined) completed.expiresAt = expiresAt
  return completed
}

function inferIssuedAt(accessToken: string, now: number, skewMs: number): number {
  const iat = decodeJwtIssuedAt(accessToken)
  // A plausible issue time only: finite and not in the future (a forged `iat: -1e308` is not one).
  return iat !== undefined && Number.isFinite(iat) && iat - skewMs <= now ? iat - skewMs : now
}
