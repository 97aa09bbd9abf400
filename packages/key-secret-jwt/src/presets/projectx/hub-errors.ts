import { AuthError, NetworkError, ProviderError, RateLimitError, TimeoutError } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'
import type { HubRedactor } from './hub-redact'
import type { ProjectXHubSubscription } from './hub-types'
import type { ProjectXHubName } from './hub-url'

const provider = 'projectx'

/** The message of an error (or of anything thrown), redacted and kept short; `fallback` when there is none. */
export function errorText(error: unknown, redactor: HubRedactor, fallback: string): string {
  const text = error instanceof Error ? error.message : error === undefined || error === null ? '' : String(error)
  return redactor.redact(text).slice(0, 300) || fallback
}

/** The server answered a hub invocation with an error (an unknown method, a wrong argument). */
export function refusedError(hub: ProjectXHubName, subscription: ProjectXHubSubscription, error: unknown, redactor: HubRedactor): ProviderError {
  const call = `${subscription.method}(${subscription.args.map((arg) => JSON.stringify(arg)).join(', ')})`
  return new ProviderError(`${PACKAGE_NAME}: the ProjectX ${hub} hub refused ${redactor.redact(call)}: ${errorText(error, redactor, 'no reason given')}`, {
    provider,
  })
}

/** A connect failure as a typed, redacted `AuthError` (the session's own errors already are one). */
export function connectError(hub: ProjectXHubName, error: unknown, redactor: HubRedactor): AuthError {
  if (error instanceof AuthError) return error
  return new NetworkError(`${PACKAGE_NAME}: the ProjectX ${hub} hub could not connect: ${errorText(error, redactor, 'unknown error')}`, { provider })
}

/** Failures that may pass: the network, a time limit, a rate limit, a 5xx. Anything else about the token is final. */
export function isTransient(error: AuthError): boolean {
  return error instanceof NetworkError || error instanceof TimeoutError || error instanceof RateLimitError || (error.status ?? 0) >= 500
}
