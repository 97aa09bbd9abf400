import type { AuthStrategy } from '@authmux/core'
import type { z } from 'zod'
import { parseBody } from '../parse-body'
import { unwrapEnvelope } from './envelope'
import { AIONMARKET } from './options'

/**
 * Calls a management endpoint through the strategy's authenticated fetch and returns the unwrapped payload,
 * validated by `schema`. Non-2xx answers are already typed by the flow's `toError` (as for any request).
 */
export async function callAionMarket<S extends z.ZodType>(
  fetch: AuthStrategy['fetch'],
  method: 'GET' | 'POST',
  path: string,
  schema: S,
  body?: Record<string, unknown>,
): Promise<z.infer<S>> {
  return parseBody(schema, unwrapEnvelope(await fetch(path, { method, body })), AIONMARKET, `${method} ${path}`)
}
