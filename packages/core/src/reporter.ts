import type { AuthError } from './errors'
import type { AuthEvents } from './events'
import type { Redactor } from './redact'
import { sanitizeError } from './sanitize'
import type { AuthEventMap, AuthLogger } from './types'

/** How a session reports: errors made safe (typed, redacted), `error` events, and redacted log lines. */
export class Reporter {
  constructor(
    private readonly label: { provider: string; packageName: string },
    private readonly redactor: Redactor,
    private readonly events: AuthEvents,
    private readonly logger: AuthLogger | undefined,
    private readonly now: () => number,
  ) {}

  /** Any thrown value as a redacted `AuthError` (see `sanitizeError`). */
  sanitize(error: unknown): AuthError {
    return sanitizeError(error, this.redactor, this.label)
  }

  /** Reports a failure as a warning and an `error` event; returns it made safe. */
  error(error: unknown, during: AuthEventMap['error']['during']): AuthError {
    const safe = this.sanitize(error)
    this.log('warn', safe.message, { code: safe.code, during })
    this.events.emit('error', { provider: this.label.provider, error: safe, at: this.now(), during })
    return safe
  }

  log(level: keyof AuthLogger, message: string, data?: Record<string, unknown>): void {
    const write = this.logger?.[level]
    if (!write) return
    const prefix = `${this.label.packageName}: `
    try {
      write.call(this.logger, this.redactor.redact(`${prefix}${message.replace(prefix, '')}`), data && this.redactor.redactValue(data))
    } catch {
      // a broken logger must not break auth
    }
  }
}
