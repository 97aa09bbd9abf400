import { type FlowContext, ResponseShapeError, type TokenSet } from '@authmux/core'
import { fieldLabel, readField } from './fields'
import type { TokenFields } from './types'

/**
 * Turns a parsed, schema-checked response body into a `TokenSet` (token, expiry, meta); `flow` names the provider
 * in messages and goes to a preset's `meta`. An expiry field wins over `expires_in`; without either, the engine
 * reads the JWT's `exp`, registers the token for redaction and drops an empty `meta`.
 */
export function tokenSetFrom<T>(data: T, fields: TokenFields<T>, ctx: FlowContext, flow: { name: string; packageName: string }, endpoint: string): TokenSet {
  const rejected = fields.bodyError?.(data)
  if (rejected) throw rejected
  const token = readField(data, fields.tokenField)
  if (typeof token !== 'string' || token === '') {
    const field = fieldLabel(fields.tokenField, 'token')
    throw new ResponseShapeError(`${flow.packageName}: ${endpoint} answered without a token in "${field}" — check tokenField.`, {
      provider: flow.name,
      field,
    })
  }
  const expiresAt = fields.expiresAtField ? readField(data, fields.expiresAtField) : undefined
  const expiresInSeconds = fields.expiresInSecondsField ? readField(data, fields.expiresInSecondsField) : undefined
  // `ctx.expiry` ignores a value of the wrong type (the engine then falls back to the JWT's `exp`).
  const absolute = typeof expiresAt === 'string' || typeof expiresAt === 'number'
  return {
    accessToken: token,
    expiresAt: ctx.expiry(absolute ? { expiresAt } : { expiresInSeconds: expiresInSeconds as number }),
    meta: (fields.meta as ((data: T, flow: unknown) => TokenSet['meta']) | undefined)?.(data, flow),
  }
}
