import { DEADLINE_PASSED } from './deadlines'
import { AuthError, NetworkError, TimeoutError } from './errors'

/** Names the package and provider in an error. */
export interface FailureLabel {
  provider: string
  packageName: string
}

/** Where a request failed: sending it (fetch itself threw) or reading its answer; undefined when not known. */
export type FailurePhase = 'send' | 'read' | undefined

/** fetch's network errors (`TypeError`s by the standard): undici's "fetch failed"/"terminated", browsers' wordings. */
const NETWORK_MESSAGE = /fetch|terminated|network|load failed/i
/** System error codes (ECONNRESET, EAI_AGAIN, undici's UND_ERR_SOCKET …), as other fetch implementations throw them. */
const SYSTEM_CODE = /^(E[A-Z]+|EAI_\w+|UND_ERR_\w+)$/

/**
 * The one place that turns whatever a request threw into a typed `AuthError` — for `strategy.fetch`, its `raw`,
 * `composeAuth`, every preset helper and the engine's own auth calls alike:
 * - an `AuthError` stays as it is;
 * - a passed deadline (`requestTimeoutMs`, `timeoutMs`, or a call's `timeout`) → `TimeoutError`;
 * - a failed or broken connection (refused, reset, DNS, TLS, a body cut off), or anything fetch itself threw
 *   (`phase` 'send') → `NetworkError` naming the reason (`connect ECONNREFUSED 127.0.0.1:4101`, `certificate has
 *   expired (CERT_HAS_EXPIRED)`, …);
 * - anything else (a bug in a callback or hook) → `AuthError` with code `UNEXPECTED`.
 *
 * The error that names the reason (the system error under fetch's generic "fetch failed") is kept as `cause`.
 * `where` is the URL being reached (origin and path, never the query); `timeoutMs` the limit that passed, when known.
 */
export function requestFailure(error: unknown, label: FailureLabel, where = '', phase?: FailurePhase, timeoutMs?: number): AuthError {
  if (error instanceof AuthError) return error
  const options = { provider: label.provider, cause: rootCause(error) }
  const reason = failureReason(error)
  const to = where && ` to ${where}`
  if (error === DEADLINE_PASSED || (error as { name?: unknown } | null)?.name === 'TimeoutError') {
    const limit = timeoutMs ? `within ${timeoutMs} ms; raise timeoutMs (auth calls) or requestTimeoutMs (requests) if it is just slow` : `in time (${reason})`
    return new TimeoutError(`${label.packageName}: ${label.provider} did not answer${where && ` ${where}`} ${limit}.`, options)
  }
  if (phase || isConnectionFailure(error)) {
    const what =
      phase === 'read' ? `the connection${to} closed before the whole answer arrived` : phase ? `could not reach ${where}` : `the request${to} failed`
    return new NetworkError(`${label.packageName}: ${what} (${reason}).`, options)
  }
  return new AuthError(`${label.packageName}: ${error instanceof Error ? error.message : reason}`, { ...options, code: 'UNEXPECTED', cause: error })
}

function isConnectionFailure(error: unknown): boolean {
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown }
  return (name === 'TypeError' && NETWORK_MESSAGE.test(String(message))) || SYSTEM_CODE.test(String(code))
}

/**
 * The innermost error of a cause chain — the one that says what happened (`connect ECONNREFUSED 127.0.0.1:4101`
 * under undici's "fetch failed"), with its `code`, `syscall`, `address` and `port`. Undefined for a non-error.
 */
function rootCause(error: unknown): Error | undefined {
  let current = error
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const next: unknown = current.cause
    if (!(next instanceof Error)) return current
    current = next
  }
  return current instanceof Error ? current : undefined
}

/**
 * Why a request failed, in one line: the innermost error's message, with its code when the message lacks it
 * (`certificate has expired (CERT_HAS_EXPIRED)`); each address of a multi-address connect (`AggregateError`) listed.
 */
export function failureReason(error: unknown): string {
  const root = rootCause(error)
  if (!root) return error === DEADLINE_PASSED ? 'deadline passed' : String(error)
  const attempts = (root as { errors?: unknown }).errors
  const code = (root as { code?: unknown }).code
  const message = root.message || (Array.isArray(attempts) ? attempts.map(failureReason).join('; ') : root.name)
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message
}
