import { TokenExpiredError } from './errors'
import type { AuthFlow } from './flow'

/**
 * The error of an operation a `logout()` overtook (here, or in another session on the same store and key): its tokens
 * were discarded, neither stored nor adopted. `what` names the operation, e.g. `this login or refresh`.
 */
export function signedOutError(flow: Pick<AuthFlow, 'name' | 'packageName'>, what: string): TokenExpiredError {
  return new TokenExpiredError(`${flow.packageName}: logged out of ${flow.name} while ${what} was in flight; its tokens were discarded.`, {
    provider: flow.name,
    code: 'SIGNED_OUT',
  })
}
