import { type FlowContext, ResponseShapeError, type TokenSet } from '@authmux/core'
import { fieldLabel, readField } from './fields'
import type { TokenFields } from './types'

/** Turns a parsed, schema-checked response body into a `TokenSet` (token, expiry, meta); `flow` goes to a preset's `meta`. */
export function tokenSetFrom<T>(
  data: T,
  fields: TokenFields<T>,
  ctx: FlowContext,
  label: { provider: string; packageName: string; endpoint: string },
  flow?: unknown,
): TokenSet {
  const rejected = fields.bodyError?.(data)
  if (rejected) throw rejected
  const token = readField(data, fields.tokenField)
  if (typeof token !== 'string' || token === '') {
    const field = fieldLabel(fields.tokenField, 'token')
    throw new ResponseShapeError(
      `${label.packageName}: ${label.endpoint} answered without a token in "${field}" — check tokenField, or the provider changed its response.`,
      { provider: label.provider, field },
    )
  }
  ctx.addSecret(token)
  const tokens: TokenSet = { accessToken: token }
  const expiresAt = fields.expiresAtField ? readField(data, fields.expiresAtField) : undefined
  const expiresIn = fields.expiresInSecondsField ? readField(data, fields.expiresInSecondsField) : undefined
  let resolved: number | undefined
  if (typeof expiresAt === 'string' || typeof expiresAt === 'number') resolved = ctx.expiry({ expiresAt })
  else if (typeof expiresIn === 'number') resolved = ctx.expiry({ expiresInSeconds: expiresIn })
  if (resolved === undefined) resolved = ctx.expiry({ jwt: token })
  if (resolved !== undefined) tokens.expiresAt = resolved
  const meta = (fields.meta as ((data: T, flow: unknown) => TokenSet['meta']) | undefined)?.(data, flow)
  if (meta && Object.keys(meta).length > 0) tokens.meta = meta
  return tokens
}
