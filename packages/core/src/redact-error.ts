import type { AuthError } from './errors'
import { requestFailure } from './failure'
import { internalsOf } from './internals'
import type { AuthStrategy } from './types'

/**
 * Makes anything a preset helper threw as safe as the engine's own errors: typed (`requestFailure`: a refused or broken
 * connection → `NetworkError`, a timeout → `TimeoutError`, an unforeseen error → `AuthError` code `UNEXPECTED`) and,
 * for a strategy made by the engine, with every secret it knows — in every encoding — redacted.
 */
export function redactError(strategy: AuthStrategy, error: unknown): AuthError {
  const internals = internalsOf(strategy)
  return internals ? internals.sanitize(error) : requestFailure(error, { provider: strategy.name, packageName: '@authmux/core' })
}

/**
 * The one wrapper every preset helper (`aion.me()`, `projectx.account()`, …) runs its work in: `call()`'s result as
 * is; whatever it rejects with — an HTTP client's or the runtime's own error included — as a typed, redacted `AuthError`
 * (see `redactError`), so `catch (e) { if (e instanceof AuthError) … }` sees every failure.
 */
export async function helperCall<T>(strategy: AuthStrategy, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw redactError(strategy, error)
  }
}
