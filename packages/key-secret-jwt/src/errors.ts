import { AuthError, type AuthErrorOptions } from '@authmux/core'

/**
 * A non-idempotent order call (e.g. ProjectX `POST /Order/place`) got a 401. The request is not replayed, because
 * replaying an order could place it twice; check the account's open orders before submitting again.
 */
export class OrderSubmissionUncertainError extends AuthError {
  override name = 'OrderSubmissionUncertainError'
  /** The request's method and path (no query string, no credentials). */
  readonly request: string
  constructor(message: string, options: AuthErrorOptions & { request: string }) {
    super(message, { code: 'SUBMISSION_UNCERTAIN', ...options })
    this.request = options.request
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), request: this.request }
  }
}
