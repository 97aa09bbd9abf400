/** What the engine does after a renewal failed. */
export type RenewOutcome =
  /** Rethrow: the caller asked for this refresh (or it ran in the background); the token held still works. */
  | 'throw'
  /** Report the failure and keep serving the token held: it still works and a request is waiting for it. */
  | 'serve-old'
  /** Log in again with the configured credentials. */
  | 'acquire'
  /** Forget the token and fail with `TokenExpiredError`: it is dead and the flow cannot log in by itself. */
  | 'signed-out'

/** The facts the decision depends on. */
export interface RenewFailure {
  /** The provider refused the refresh token (`InvalidCredentialsError`/`TokenExpiredError`), not a hiccup. */
  rejected: boolean
  /** The failure is a 429 (logging in instead would only add to the load). */
  rateLimited: boolean
  /** The token held is not expired yet. */
  tokenStillWorks: boolean
  /** Who asked: a request waiting for a token, or the background timer / an explicit `refresh()`. */
  caller: 'request' | 'background' | 'explicit'
  /** The flow can log in without the user (credentials configured). */
  canAcquire: boolean
}

/**
 * The decision table after a failed renewal, written down once:
 *
 * | failure                  | token still works | caller               | can log in | outcome      |
 * | ------------------------ | ----------------- | -------------------- | ---------- | ------------ |
 * | rejected                 | any               | any                  | yes        | acquire      |
 * | rejected                 | any               | any                  | no         | signed-out   |
 * | hiccup (5xx, network…)   | yes               | request              | any        | serve-old    |
 * | hiccup                   | yes               | background, explicit | any        | throw        |
 * | hiccup, 429              | no                | any                  | any        | throw        |
 * | hiccup                   | no                | any                  | no         | throw        |
 * | hiccup                   | no                | any                  | yes        | acquire      |
 *
 * Nothing here deletes a stored refresh token: a hiccup keeps everything, a rejection means it no longer works.
 */
export function afterFailedRenew(failure: RenewFailure): RenewOutcome {
  if (failure.rejected) return failure.canAcquire ? 'acquire' : 'signed-out'
  if (failure.tokenStillWorks) return failure.caller === 'request' ? 'serve-old' : 'throw'
  if (failure.rateLimited || !failure.canAcquire) return 'throw'
  return 'acquire'
}
