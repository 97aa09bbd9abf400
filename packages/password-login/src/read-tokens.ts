import { ResponseShapeError } from '@authmux/core'
import type { FlowResponse, TokenSet } from '@authmux/core'
import { COOKIE_VALUE_RULE, isCookieValue } from './cookie-value'
import type { TokenLocation } from './types'

/** Which tokens a flow sends in a `Cookie` header (to ordinary requests, the refresh call or the code step). */
export interface SentAsCookies {
  access?: boolean | undefined
  refresh?: boolean | undefined
  otp?: boolean | undefined
}

/** Who is reading, for error messages. */
type Label = { name: string; packageName: string }

/** The top-level fields of a JSON object body; an empty record for any other body. */
export function fieldsOf(response: FlowResponse): Record<string, unknown> {
  const data = response.data
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {}
}

/** What a token may hold: visible ASCII, no spaces (a `Bearer` token, a cookie value, a header value as is). */
const TOKEN = /^[\x21-\x7e]+$/

/**
 * Reads a token from a response: the named cookies first, then the named top-level JSON fields.
 * Returns undefined when none is present; a present field of the wrong type, or a token with spaces, control or
 * non-ASCII characters, is a `ResponseShapeError`. With
 * `cookie` (the token is sent back in a `Cookie` header), a value that is not RFC 6265 cookie-octets is a
 * `ResponseShapeError` too, so it is never sent.
 */
export function pickToken(response: FlowResponse, location: TokenLocation | undefined, label: Label, cookie?: boolean): string | undefined {
  const checked = (value: string, field: string) => {
    const problem =
      cookie && !isCookieValue(value)
        ? `that is not a valid cookie value (${COOKIE_VALUE_RULE}), so it can't be sent back`
        : TOKEN.test(value)
          ? ''
          : 'with spaces, control or non-ASCII characters, which no header can carry as is'
    if (problem) {
      throw new ResponseShapeError(
        `${label.packageName}: ${label.name} sent a token in "${field}" ${problem}; it was not used. The provider may have changed its API — please report it.`,
        { provider: label.name, field, status: response.status },
      )
    }
    return value
  }
  for (const name of location?.cookies ?? []) if (response.cookies[name]) return checked(response.cookies[name], name)
  const body = fieldsOf(response)
  for (const field of location?.fields ?? []) {
    const value = body[field]
    if (value === undefined || value === null || value === '') continue
    if (typeof value !== 'string') {
      throw new ResponseShapeError(
        `${label.packageName}: ${label.name} answered a ${typeof value} in field "${field}" where a token string was expected; it was not used. The provider may have changed its API — please report it.`,
        { provider: label.name, field, status: response.status },
      )
    }
    return checked(value, field)
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

/**
 * Reads the access token (required: a response without one is a `ResponseShapeError`) and the refresh token from a
 * login or refresh response. What is left undefined the engine fills in when it adopts the set: the expiry from the
 * access token's JWT `exp`, the refresh token from the previous set; it also registers both tokens for redaction.
 * `cookies` says which of the two are sent in a `Cookie` header (checked as cookie values, see `pickToken`).
 */
export function readTokens(
  response: FlowResponse,
  label: Label,
  step: string,
  access: TokenLocation,
  refresh: TokenLocation | undefined,
  cookies: SentAsCookies = {},
): TokenSet {
  const accessToken = pickToken(response, access, label, cookies.access)
  if (!accessToken) {
    throw new ResponseShapeError(
      `${label.packageName}: the ${label.name} ${step} response carried no access token (looked for ${describeLocation(access)}). The provider may have changed its API — please report it.`,
      { provider: label.name, field: access.fields?.[0] ?? access.cookies?.[0] ?? '', status: response.status },
    )
  }
  return { accessToken, refreshToken: pickToken(response, refresh, label, cookies.refresh) }
}
