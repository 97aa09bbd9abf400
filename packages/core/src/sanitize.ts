import type { AuthError } from './errors'
import { type FailureLabel, requestFailure } from './failure'
import type { Redactor } from './redact'

/**
 * Makes any thrown value safe to show: an `AuthError` keeps its class with secrets scrubbed from its message (and
 * its cause chain); anything else is typed by `requestFailure` (a timeout → `TimeoutError`, a failed or cut-off
 * connection → `NetworkError`, anything else → `AuthError` with code `UNEXPECTED`), its cause kept scrubbed — or
 * dropped when it holds a secret it cannot be scrubbed of.
 */
export function sanitizeError(error: unknown, redactor: Redactor, label: FailureLabel): AuthError {
  const typed = requestFailure(error, label)
  scrub(typed, redactor)
  return typed
}

function scrub(error: Error, redactor: Redactor, depth = 0): void {
  // `message` and `stack` are read-only on some errors (DOMException): leave those, and drop them as a cause below
  // when they hold a secret.
  setIfWritable(error, 'message', redactor.redact(error.message))
  if (error.stack) setIfWritable(error, 'stack', redactor.redact(error.stack))
  // Extra fields (providerCode, field, …) are shown by inspect and toJSON too.
  const fields = error as unknown as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (typeof value === 'string') setIfWritable(error, key, redactor.redact(value))
  }
  const cause = (error as { cause?: unknown }).cause
  if (cause === undefined) return
  if (cause instanceof Error && depth < 4) {
    scrub(cause, redactor, depth + 1)
    if (redactor.redact(`${cause.message}\n${cause.stack ?? ''}`) === `${cause.message}\n${cause.stack ?? ''}`) return
  }
  try {
    delete (error as { cause?: unknown }).cause
  } catch {
    // a frozen error: nothing more to do
  }
}

function setIfWritable(target: object, key: string, value: string): void {
  if ((target as Record<string, unknown>)[key] === value) return
  try {
    ;(target as Record<string, unknown>)[key] = value
  } catch {
    // read-only (a getter on the prototype, or a frozen object)
  }
}

/** Pulls a human message out of a provider error body (`error`, `message`, `detail`, `errorMessage`, nested `error.message`). */
export function describeErrorBody(data: unknown): string | undefined {
  if (typeof data === 'string') return data.length > 0 && data.length < 300 && !data.trimStart().startsWith('<') ? data.trim() : undefined
  if (!data || typeof data !== 'object') return undefined
  const body = data as Record<string, unknown>
  for (const key of ['error', 'message', 'detail', 'errorMessage', 'msg']) {
    const value = body[key]
    if (typeof value === 'string' && value.length > 0) return value
    if (value && typeof value === 'object') {
      const nested = describeErrorBody(value)
      if (nested) return nested
    }
  }
  return undefined
}
