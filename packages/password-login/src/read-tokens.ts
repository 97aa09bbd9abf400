import { ResponseShapeError } from '@authmux/core'
import type { FlowContext, FlowResponse, TokenSet } from '@authmux/core'
import { describeLocation, pickField, pickToken } from './pick-token'
import type { TokenResponseConfig } from './types'

/** Names used in messages. */
export interface ReadTokensContext {
  provider: string
  packageName: string
  /** 'login' or 'refresh', for messages. */
  step: string
}

/**
 * Turns a login or refresh response into a `TokenSet`: tokens from cookies or body fields, expiry from the expiry
 * fields or the access token's JWT `exp`. A response without an access token is a `ResponseShapeError`.
 * A missing refresh token is left undefined (the engine keeps the previous one).
 */
export function readTokens(response: FlowResponse, config: TokenResponseConfig, ctx: FlowContext, context: ReadTokensContext): TokenSet {
  const names = { provider: context.provider, packageName: context.packageName }
  const accessToken = pickToken(response, config.access, { ...names, what: 'access token' })
  if (!accessToken) {
    throw new ResponseShapeError(
      `${context.packageName}: the ${context.provider} ${context.step} response carried no access token (looked for ${describeLocation(config.access)}). The provider may have changed its API; please report it.`,
      { provider: context.provider, field: config.access.fields?.[0] ?? config.access.cookies?.[0] ?? '', status: response.status },
    )
  }
  ctx.addSecret(accessToken)
  const refreshToken = pickToken(response, config.refresh, { ...names, what: 'refresh token' })
  ctx.addSecret(refreshToken)

  const expiresIn = pickField(response, config.expiresInField)
  const expiresAt = pickField(response, config.expiresAtField)
  let expiry: number | undefined
  if (expiresIn !== undefined && Number.isFinite(Number(expiresIn))) expiry = ctx.expiry({ expiresInSeconds: Number(expiresIn) })
  else if (expiresAt !== undefined) expiry = ctx.expiry({ expiresAt })
  else if (config.jwtExpiry !== false) expiry = ctx.expiry({ jwt: accessToken })

  const tokens: TokenSet = { accessToken }
  if (refreshToken) tokens.refreshToken = refreshToken
  if (expiry !== undefined) tokens.expiresAt = expiry
  return tokens
}
