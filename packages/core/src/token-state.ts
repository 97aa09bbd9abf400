import { type RefreshPoints, refreshPoints } from './schedule'
import type { AuthStatus, RefreshWindow, TokenSet } from './types'

/**
 * Where a token stands on the local clock, computed in one place for `status()`, the request path and the scheduler:
 * - `none`: no token held;
 * - `fresh`: before the refresh point (or no known expiry): send it, nothing else to do;
 * - `window`: inside the refresh window: send it and refresh in the background;
 * - `must`: past the must-refresh point: callers wait for a refresh;
 * - `expired`: past `expiresAt`.
 */
export type TokenZone = 'none' | 'fresh' | 'window' | 'must' | 'expired'

/** The token set a session holds and its two refresh points, always set and cleared together. */
export class TokenState {
  #tokens: TokenSet | undefined
  #points: RefreshPoints | undefined

  constructor(private readonly policy: { window: RefreshWindow; mustRefreshBeforeExpiryMs: number }) {}

  /** The refresh and must-refresh points of `tokens` under this session's policy. */
  pointsOf(tokens: TokenSet): RefreshPoints | undefined {
    return refreshPoints(tokens, this.policy.window, this.policy.mustRefreshBeforeExpiryMs)
  }

  get tokens(): TokenSet | undefined {
    return this.#tokens
  }

  get points(): RefreshPoints | undefined {
    return this.#points
  }

  set(tokens: TokenSet): void {
    this.#tokens = tokens
    this.#points = this.pointsOf(tokens)
  }

  clear(): void {
    this.#tokens = undefined
    this.#points = undefined
  }

  zone(now: number): TokenZone {
    return zoneOf(this.#tokens, this.#points, now)
  }

  /** The zone `tokens` would be in under this session's policy (for token sets not held yet). */
  zoneOf(tokens: TokenSet, now: number): TokenZone {
    return zoneOf(tokens, this.pointsOf(tokens), now)
  }

  status(now: number): AuthStatus {
    const expiresAt = this.#tokens?.expiresAt
    switch (this.zone(now)) {
      case 'none':
        return { state: 'signed-out' }
      case 'fresh':
        return expiresAt === undefined ? { state: 'valid' } : { state: 'valid', expiresAt }
      case 'window':
      case 'must':
        return { state: 'expiring', expiresAt: expiresAt! }
      case 'expired':
        return { state: 'expired', expiresAt: expiresAt! }
    }
  }
}

function zoneOf(tokens: TokenSet | undefined, points: RefreshPoints | undefined, now: number): TokenZone {
  if (!tokens) return 'none'
  if (tokens.expiresAt !== undefined && now >= tokens.expiresAt) return 'expired'
  if (!points || now < points.refreshAt) return 'fresh'
  return now < points.mustRefreshAt ? 'window' : 'must'
}

/** `meta.issuedAt` of a token set (0 when absent): the engine's newest-wins order. */
export function issuedAtOf(tokens: TokenSet): number {
  const value = tokens.meta?.issuedAt
  return typeof value === 'number' ? value : 0
}

/** The newer of two token sets by `issuedAt` (the first on a tie). */
export function newest(a: TokenSet | undefined, b: TokenSet | undefined): TokenSet | undefined {
  if (!a) return b
  if (!b) return a
  return issuedAtOf(a) >= issuedAtOf(b) ? a : b
}
