import type { AuthError } from './errors'
import { internalsOf } from './internals'
import type { AuthStrategy } from './types'

/**
 * Makes an error a preset helper built itself (from a 2xx body the engine handed back, say) as safe as the engine's
 * own: typed, and with every secret the strategy knows — in every encoding — redacted. For strategies not made by the
 * engine the error is returned as is.
 */
export function redactError(strategy: AuthStrategy, error: unknown): AuthError | unknown {
  const internals = internalsOf(strategy)
  return internals ? internals.sanitize(error) : error
}
