import { ResponseShapeError } from '@authmux/core'
import type { FlowContext, FlowResponse, TokenSet } from '@authmux/core'
import type { LoginConfig } from './login'
import { describeLocation, fieldsOf, pickToken } from './pick-token'

/**
 * Turns a login or refresh response into a `TokenSet`: tokens from cookies or body fields, expiry from the expiry
 * fields. A response without an access token is a `ResponseShapeError`. What is left undefined the engine fills in
 * when it adopts the set: the expiry from the access token's JWT `exp`, the refresh token from the previous set; it
 * also registers both tokens for redaction.
 */
export function readTokens(response: FlowResponse, config: LoginConfig, ctx: FlowContext, step: string): TokenSet {
  const { access, expiresInField, expiresAtField } = config.tokens
  const accessToken = pickToken(response, access, config)
  if (!accessToken) {
    throw new ResponseShapeError(
      `${config.packageName}: no access token in the ${config.name} ${step} response (looked for ${describeLocation(access)}); please report this API change.`,
      { provider: config.name, field: access.fields?.[0] ?? access.cookies?.[0] ?? '', status: response.status },
    )
  }
  const body = fieldsOf(response)
  const expiresIn = expiresInField ? body[expiresInField] : undefined
  return {
    accessToken,
    refreshToken: pickToken(response, config.tokens.refresh, config),
    expiresAt: ctx.expiry({
      expiresInSeconds: typeof expiresIn === 'number' || typeof expiresIn === 'string' ? Number(expiresIn) : undefined,
      expiresAt: (expiresAtField ? body[expiresAtField] : undefined) as string | number | undefined,
    }),
  }
}
