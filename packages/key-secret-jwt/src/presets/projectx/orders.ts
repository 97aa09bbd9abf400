import { pathBelow } from '@authmux/core/provider'
import { OrderSubmissionUncertainError } from '../../errors'
import { PACKAGE_NAME } from '../../package-name'

/** `/Order/search…` only reads; every other `/Order/*` call (place, modify, cancel …) changes state. */
function isMutatingOrderPath(path: string): boolean {
  const lower = path.toLowerCase()
  return lower.startsWith('/order/') && !lower.startsWith('/order/search')
}

/**
 * ProjectX's 401 replay policy: a non-idempotent order call is never replayed (it could execute twice); it becomes
 * an `OrderSubmissionUncertainError`. Everything else is renewed and replayed once.
 */
export function projectXReplayOn401(request: { url: URL; method: string }, base: URL): boolean | OrderSubmissionUncertainError {
  const path = pathBelow(base, request.url)
  if (path === undefined || request.method.toUpperCase() === 'GET' || !isMutatingOrderPath(path)) return true
  const label = `${request.method.toUpperCase()} ${path}`
  return new OrderSubmissionUncertainError(
    `${PACKAGE_NAME}: ProjectX answered 401 to ${label}; it is not replayed because an order could be placed twice. Check open orders (/Order/searchOpen) before submitting again.`,
    { provider: 'projectx', status: 401, request: label },
  )
}
