import type { AuthStrategy } from '@authmux/core'
import type { z } from 'zod'
import { parseBody } from '../parse-body'
import { aionMarketError, unwrapEnvelope } from './envelope'
import { AIONMARKET } from './options'

/**
 * Calls a management endpoint through the strategy's authenticated fetch and returns the unwrapped payload,
 * validated by `schema`. Non-2xx answers the engine did not already type become `ProviderError`s carrying the
 * provider's message and code.
 */
export async function callAionMarket<S extends z.ZodType>(
  fetch: AuthStrategy['fetch'],
  method: 'GET' | 'POST',
  path: string,
  schema: S,
  body?: Record<string, unknown>,
): Promise<z.infer<S>> {
  const what = `${method} ${path}`
  let data: unknown
  try {
    data = await fetch(path, { method, body })
  } catch (error) {
    // Only ofetch's FetchError carries a `response`; the engine's typed errors (AuthError) and network failures
    // do not, and pass through unchanged.
    const status = (error as { response?: Response })?.response?.status
    if (status === undefined) throw error
    const errorBody = (error as { data?: unknown }).data
    throw aionMarketError(`HTTP ${status} to ${what}`, errorBody, (errorBody as { code?: unknown } | null)?.code, status)
  }
  return parseBody(schema, unwrapEnvelope(data), AIONMARKET, what)
}
