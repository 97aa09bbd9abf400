import type { TokenSet } from '@authmux/core'

/** How close to expiry a stored token counts as "expiring", in ms. */
export const EXPIRING_WITHIN_MS = 2 * 60_000

/**
 * The state of a stored session, without any network call:
 * - `valid`, `expiring` (within 2 minutes), `refreshable` (expired, a refresh token is kept), `expired`;
 * - `missing`: no token file under the session's store key (deleted, or another store directory);
 * - `corrupt`: the token file is there but damaged or tampered with;
 * - `unreadable`: the store's key is not the one that wrote it (`AUTHMUX_STORE_KEY` or the key file changed).
 */
export type StoredState = 'valid' | 'expiring' | 'expired' | 'refreshable' | 'missing' | 'corrupt' | 'unreadable'

/** Why a read returned nothing, when the store said so: the file is damaged, or the whole store can't be opened. */
export type ReadFailure = 'corrupt' | 'unreadable'

/** The state of `tokens` read at `now`; `failure` explains an empty read. */
export function storedState(tokens: TokenSet | undefined, now: number, failure?: ReadFailure): StoredState {
  if (!tokens) return failure ?? 'missing'
  if (tokens.expiresAt === undefined) return 'valid'
  if (now >= tokens.expiresAt) return tokens.refreshToken ? 'refreshable' : 'expired'
  return tokens.expiresAt - now <= EXPIRING_WITHIN_MS ? 'expiring' : 'valid'
}

/** True for the states in which the stored tokens cannot be used at all. */
export function isUnusable(state: StoredState): boolean {
  return state === 'missing' || state === 'corrupt' || state === 'unreadable'
}
