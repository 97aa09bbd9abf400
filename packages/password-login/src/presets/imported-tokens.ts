import { isRejection } from '@authmux/core'
import type { AuthFlow, FlowContext, TokenSet } from '@authmux/core'

/**
 * Lets a flow start from tokens given in the options (copied from a browser, from env): the first `acquire()` uses
 * them instead of logging in — after a refresh when the access token has already expired. Tokens already in the
 * store take precedence (the engine reads the store before it acquires). Later acquires log in normally.
 */
export function withImportedTokens(flow: AuthFlow, imported: TokenSet | undefined): AuthFlow {
  if (!imported) return flow
  let pending: TokenSet | undefined = imported
  const login = flow.acquire.bind(flow)
  const descriptors = Object.getOwnPropertyDescriptors(flow)
  const base = Object.defineProperties({}, descriptors) as AuthFlow
  return Object.defineProperties(base, {
    canAcquire: {
      get: () => pending !== undefined || flow.canAcquire !== false,
      enumerable: true,
    },
    acquire: {
      value: async (ctx: FlowContext): Promise<TokenSet> => {
        const tokens = pending
        if (!tokens) return login(ctx)
        pending = undefined
        ctx.addSecret(tokens.accessToken)
        ctx.addSecret(tokens.refreshToken)
        const expiresAt = ctx.expiry({ jwt: tokens.accessToken })
        const current: TokenSet = { ...tokens, ...(expiresAt !== undefined ? { expiresAt } : {}) }
        if (expiresAt === undefined || expiresAt > ctx.now()) return current
        if (!current.refreshToken || !flow.renew) return login(ctx)
        try {
          return { refreshToken: current.refreshToken, ...(await flow.renew(current, ctx)) }
        } catch (error) {
          if (!isRejection(error) || flow.canAcquire === false) throw error
          return login(ctx)
        }
      },
      enumerable: true,
    },
  })
}
