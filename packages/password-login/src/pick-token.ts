import { ResponseShapeError } from '@authmux/core'
import type { FlowResponse } from '@authmux/core'

import type { TokenLocation } from './types'

/** The top-level fields of a JSON object body; an empty record for any other body. */
export function fieldsOf(response: FlowResponse): Record<string, unknown> {
  const data = response.data
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {}
}

/**
 * Reads a token from a response: the named cookies first, then the named top-level JSON fields.
 * Returns undefined when none is present; a present field of the wrong type is a `ResponseShapeError`.
 */
export function pickToken(response: FlowResponse, location: TokenLocation | undefined, config: { name: string; packageName: string }): string | undefined {
  for (const name of location?.cookies ?? []) if (response.cookies[name]) return response.cookies[name]
  const body = fieldsOf(response)
  for (const field of location?.fields ?? []) {
    const value = body[field]
    if (value === undefined || value === null || value === '') continue
    if (typeof value !== 'string') {
      throw new ResponseShapeError(
        `${config.packageName}: ${config.name} sent a ${typeof value} in field "${field}", not a token string; please report this API change.`,
        {
          provider: config.name,
          field,
          status: response.status,
        },
      )
    }
    return value
  }
  return undefined
}

/** Describes a location for messages: `cookie "a" or field "b"` (names only, never a value). */
export function describeLocation(location: TokenLocation | undefined): string {
  return (
    [...(location?.cookies ?? []).map((name) => `cookie "${name}"`), ...(location?.fields ?? []).map((name) => `field "${name}"`)].join(' or ') ||
    'the response'
  )
}
