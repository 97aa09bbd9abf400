import { isRejection } from '@authmux/core'
import type { AuthFlow, FlowContext, TokenSet } from '@authmux/core'

/**
 * Lets a flow with `renew` start from tokens given in the options (copied from a browser, from env): the first
 * `acquire()` uses them instead of logging in — after a refresh when the access token has already expired. Tokens
 * already in the store take precedence (the engine reads the store before it acquires). Later acquires log in
 * normally. The returned flow inherits everything from `flow` (its prototype) and overrides `acquire` and
 * `canAcquire`. The tokens must already be among `flow.secrets`.
 */
export function withImportedTokens(flow: AuthFlow, imported: TokenSet | undefined): AuthFlow {
  if (!imported) return flow
  let pending: TokenSet | undefined = imported
  const importing: AuthFlow = Object.create(flow)
  importing.canAcquire = true
  importing.acquire = async (ctx: FlowContext): Promise<TokenSet> => {
    const tokens = pending
    pending = undefined
    importing.canAcquire = flow.canAcquire
    if (tokens) {
      const expiresAt = ctx.expiry({ jwt: tokens.accessToken })
      if (expiresAt === undefined || expiresAt > ctx.now()) return { ...tokens, expiresAt }
      if (tokens.refreshToken) {
        try {
          const renewed = await flow.renew!(tokens, ctx)
          return { ...renewed, refreshToken: renewed.refreshToken ?? tokens.refreshToken }
        } catch (error) {
          if (!isRejection(error) || flow.canAcquire === false) throw error
        }
      }
    }
    return flow.acquire(ctx)
  }
  return importing
}
