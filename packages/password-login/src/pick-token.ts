import { ResponseShapeError } from '@authmux/core'
import type { FlowResponse } from '@authmux/core'
import type { TokenLocation } from './types'

/** Where a picked value came from, for error messages (never the value). */
export interface PickContext {
  provider: string
  packageName: string
  /** What is being read, for messages: 'access token', 'one-time-code token' … */
  what: string
}

/**
 * Reads a token from a response: the named cookies first, then the named top-level JSON fields.
 * Returns undefined when none is present; a present field of the wrong type is a `ResponseShapeError`.
 */
export function pickToken(response: FlowResponse, location: TokenLocation | undefined, context: PickContext): string | undefined {
  if (!location) return undefined
  for (const name of location.cookies ?? []) {
    const value = response.cookies[name]
    if (typeof value === 'string' && value !== '') return value
  }
  const body = asRecord(response.data)
  if (!body) return undefined
  for (const field of location.fields ?? []) {
    const value = body[field]
    if (value === undefined || value === null || value === '') continue
    if (typeof value !== 'string') {
      throw new ResponseShapeError(
        `${context.packageName}: ${context.provider} answered a ${typeof value} in field "${field}" where the ${context.what} (a string) was expected.`,
        { provider: context.provider, field, status: response.status },
      )
    }
    return value
  }
  return undefined
}

/** Reads a top-level JSON field as a number or string (for expiry fields). */
export function pickField(response: FlowResponse, field: string | undefined): string | number | undefined {
  if (!field) return undefined
  const value = asRecord(response.data)?.[field]
  return typeof value === 'number' || typeof value === 'string' ? value : undefined
}

/** Describes a location for messages: `cookie "a" or field "b"`. */
export function describeLocation(location: TokenLocation | undefined): string {
  const parts = [...(location?.cookies ?? []).map((name) => `cookie "${name}"`), ...(location?.fields ?? []).map((name) => `field "${name}"`)]
  return parts.length > 0 ? parts.join(' or ') : 'the response'
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}
