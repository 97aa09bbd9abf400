import type { TokenSet } from '@authmux/core'

/** How close to expiry a stored token counts as "expiring", in ms. */
export const EXPIRING_WITHIN_MS = 2 * 60_000

export type StoredState = 'valid' | 'expiring' | 'expired' | 'refreshable' | 'missing'

/**
 * The state of a stored token set, without any network call: `missing` (nothing readable in the store), `valid`,
 * `expiring` (within 2 minutes), `refreshable` (expired, but a refresh token is kept) or `expired`.
 */
export function storedState(tokens: TokenSet | undefined, now: number): StoredState {
  if (!tokens) return 'missing'
  if (tokens.expiresAt === undefined) return 'valid'
  if (now >= tokens.expiresAt) return tokens.refreshToken ? 'refreshable' : 'expired'
  return tokens.expiresAt - now <= EXPIRING_WITHIN_MS ? 'expiring' : 'valid'
}
