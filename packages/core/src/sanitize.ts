import { AuthError } from './errors'
import type { Redactor } from './redact'

/**
 * Makes any thrown value safe to show: an `AuthError` keeps its class with secrets scrubbed from its message (and
 * its cause chain); anything else becomes an `AuthError` whose message is the redacted original.
 */
export function sanitizeError(error: unknown, redactor: Redactor, label: { provider: string; packageName: string }): AuthError {
  if (error instanceof AuthError) {
    scrub(error, redactor)
    return error
  }
  const message = error instanceof Error ? error.message : String(error)
  const wrapped = new AuthError(`${label.packageName}: ${redactor.redact(message)}`, {
    provider: label.provider,
    code: error instanceof Error && error.name === 'TimeoutError' ? 'TIMEOUT' : 'UNEXPECTED',
    cause: error instanceof Error ? error : undefined,
  })
  scrub(wrapped, redactor)
  return wrapped
}

function scrub(error: Error, redactor: Redactor, depth = 0): void {
  error.message = redactor.redact(error.message)
  if (error.stack) error.stack = redactor.redact(error.stack)
  // Extra fields (providerCode, field, …) are shown by inspect and toJSON too.
  const fields = error as unknown as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (typeof value === 'string') {
      try {
        fields[key] = redactor.redact(value)
      } catch {
        // read-only field: leave it
      }
    }
  }
  const cause = (error as { cause?: unknown }).cause
  if (cause === undefined) return
  if (cause instanceof Error && depth < 4) scrub(cause, redactor, depth + 1)
  else if (!(cause instanceof Error)) delete (error as { cause?: unknown }).cause
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
