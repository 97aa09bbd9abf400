import { type FlowContext, ResponseShapeError, type TokenSet } from '@authmux/core'
import { fieldLabel, readField } from './fields'
import type { TokenFields } from './types'

/** Who answered, for messages: the provider and the package that reports it. */
export interface Label {
  name: string
  packageName: string
}

/**
 * Turns a parsed, schema-checked response body into a `TokenSet` (token, expiry, meta). An expiry field wins over
 * `expires_in`; without either (or with a value of the wrong type) the engine reads the JWT's `exp`. The engine also
 * registers the token for redaction and drops an empty `meta`.
 */
export function tokenSetFrom<T>(data: T, fields: TokenFields<T>, ctx: FlowContext, label: Label, endpoint: string): TokenSet {
  const rejected = fields.bodyError?.(data)
  if (rejected) throw rejected
  const token = readField(data, fields.tokenField)
  if (typeof token !== 'string' || token === '') {
    const field = fieldLabel(fields.tokenField, 'token')
    throw new ResponseShapeError(
      `${label.packageName}: ${endpoint} answered without a token in "${field}" — check tokenField, or the provider changed its response.`,
      { provider: label.name, field },
    )
  }
  const expiresAt = fields.expiresAtField ? readField(data, fields.expiresAtField) : undefined
  const expiresInSeconds = fields.expiresInSecondsField ? readField(data, fields.expiresInSecondsField) : undefined
  const expiry =
    typeof expiresAt === 'string' || typeof expiresAt === 'number'
      ? ctx.expiry({ expiresAt })
      : typeof expiresInSeconds === 'number'
        ? ctx.expiry({ expiresInSeconds })
        : undefined
  return { accessToken: token, expiresAt: expiry, meta: fields.meta?.(data) }
}
