import { ResponseShapeError } from '@authmux/core'
import type { FlowResponse, TokenSet } from '@authmux/core'
import { describeLocation, pickToken } from './pick-token'
import type { TokenLocation } from './types'

/**
 * Reads the access token (required: a response without one is a `ResponseShapeError`) and the refresh token from a
 * login or refresh response. What is left undefined the engine fills in when it adopts the set: the expiry from the
 * access token's JWT `exp`, the refresh token from the previous set; it also registers both tokens for redaction.
 */
export function readTokens(
  response: FlowResponse,
  label: { name: string; packageName: string },
  step: string,
  access: TokenLocation,
  refresh: TokenLocation | undefined,
): TokenSet {
  const accessToken = pickToken(response, access, label)
  if (!accessToken) {
    throw new ResponseShapeError(
      `${label.packageName}: no access token in the ${label.name} ${step} response (looked for ${describeLocation(access)}); please report this API change.`,
      { provider: label.name, field: access.fields?.[0] ?? access.cookies?.[0] ?? '', status: response.status },
    )
  }
  return { accessToken, refreshToken: pickToken(response, refresh, label) }
}
