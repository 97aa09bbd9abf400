import type { AuthFetch } from '@authmux/core'
import type { z } from 'zod'
import { parseBody } from '../parse-body'
import { type EchoedSecrets, unwrapEnvelope } from './envelope'
import { AIONMARKET } from './options'

/** What a management call sends besides its route: the JSON body, and the key a failure message must not quote. */
export interface CallOptions {
  body?: Record<string, unknown>
  /** The key the request carries (a 2xx-wrapped failure echoing it is not redacted by the engine). */
  echoed?: EchoedSecrets
}

/**
 * Calls a management endpoint through the strategy's authenticated fetch and returns the unwrapped payload,
 * validated by `schema`. Non-2xx answers are already typed (and redacted) by the flow's `toError`, as for any request.
 */
export async function callAionMarket<S extends z.ZodType>(
  fetch: AuthFetch,
  method: 'GET' | 'POST',
  path: string,
  schema: S,
  { body, echoed }: CallOptions = {},
): Promise<z.infer<S>> {
  return parseBody(schema, unwrapEnvelope(await fetch(path, { method, body }), echoed), AIONMARKET, `${method} ${path}`)
}
