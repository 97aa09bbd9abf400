import { OrderSubmissionUncertainError } from '../../errors'
import { PACKAGE_NAME } from '../../options'
import { pathBelowBase } from '../../paths'

/** `/Order/search…` only reads; every other `/Order/*` call (place, modify, cancel …) changes state. */
function isMutatingOrderPath(path: string): boolean {
  const lower = path.toLowerCase()
  return lower.startsWith('/order/') && !lower.startsWith('/order/search')
}

/**
 * ProjectX's 401 replay policy: a non-idempotent order call is never replayed (it could execute twice); it becomes
 * an `OrderSubmissionUncertainError`. Everything else is renewed and replayed once.
 */
export function projectXReplayOn401(request: { url: URL; method: string }, baseURL: URL): boolean | OrderSubmissionUncertainError {
  const path = pathBelowBase(request.url, baseURL)
  if (path === undefined || request.method.toUpperCase() === 'GET' || !isMutatingOrderPath(path)) return true
  const label = `${request.method.toUpperCase()} ${path}`
  return new OrderSubmissionUncertainError(
    `${PACKAGE_NAME}: ProjectX answered 401 to ${label}; not replayed, as the order could execute twice. Check open orders (/Order/searchOpen) before resubmitting.`,
    { provider: 'projectx', status: 401, request: label },
  )
}
