import { isRejection } from '@authmux/core'
import type { AuthFlow, FlowContext, TokenSet } from '@authmux/core'

const PENDING = Symbol('imported tokens')

/** A flow that starts from imported tokens: inherits everything from the flow it wraps (its prototype), overrides `acquire` and `canAcquire`. */
interface ImportingFlow extends AuthFlow {
  /** The imported tokens until the first `acquire()` has used them. */
  [PENDING]: TokenSet | undefined
  canAcquire: boolean
}

/**
 * Lets a flow start from tokens given in the options (copied from a browser, from env): the first `acquire()` uses
 * them instead of logging in — after a refresh when the access token has already expired. Tokens already in the
 * store take precedence (the engine reads the store before it acquires). Later acquires log in normally.
 */
export function withImportedTokens(flow: AuthFlow, imported: TokenSet | undefined): AuthFlow {
  if (!imported) return flow
  return Object.assign(Object.create(flow) as ImportingFlow, { [PENDING]: imported, canAcquire: true, acquire: acquireImported })
}

async function acquireImported(this: ImportingFlow, ctx: FlowContext): Promise<TokenSet> {
  const flow: AuthFlow = Object.getPrototypeOf(this)
  const tokens = this[PENDING]
  if (!tokens) return flow.acquire(ctx)
  this[PENDING] = undefined
  this.canAcquire = flow.canAcquire !== false
  ctx.addSecret(tokens.accessToken)
  ctx.addSecret(tokens.refreshToken)
  const expiresAt = ctx.expiry({ jwt: tokens.accessToken })
  const current: TokenSet = { ...tokens, ...(expiresAt !== undefined ? { expiresAt } : {}) }
  if (expiresAt === undefined || expiresAt > ctx.now()) return current
  if (!current.refreshToken || !flow.renew) return flow.acquire(ctx)
  try {
    return { refreshToken: current.refreshToken, ...(await flow.renew(current, ctx)) }
  } catch (error) {
    if (!isRejection(error) || flow.canAcquire === false) throw error
    return flow.acquire(ctx)
  }
}
