import type { AuthError } from './errors'
import type { AuthFlow, OutgoingRequest } from './flow'
import type { TokenSet } from './types'
import type { TransportOptions } from './transport'

/** Internal hooks `createAuthFetch` uses to drive a session without going through its public surface. */
export interface SessionInternals {
  readonly flow: AuthFlow
  readonly baseURL: URL
  readonly credentialHeaders: readonly string[]
  readonly transport: TransportOptions
  /** Time limit of one ordinary request in ms (0 = none), from `SessionOptions.requestTimeoutMs`. */
  readonly requestTimeoutMs: number
  readonly allowInsecureHttp: boolean
  owns(url: URL): boolean
  /** Attaches credentials; returns the access token used (undefined when the request needed none). */
  attach(request: OutgoingRequest): string | undefined | Promise<string | undefined>
  /** Called after a 401 on a request sent with `usedToken`: renews unless someone already did. */
  recover(usedToken: string, signal?: AbortSignal | null): Promise<void>
  sanitize(error: unknown): AuthError
  /** Redacts every registered secret (and credential query parameters) from a text. */
  redact(text: string): string
  /**
   * The tokens to authenticate a stream connection with: refreshed first when past the must point (or, with
   * `renewInWindow`, inside the refresh window); the caller's signal ends the wait.
   */
  streamTokens(renewInWindow: boolean, signal?: AbortSignal | null): Promise<TokenSet>
  /** Reports a failure as an `error` event (and a warning log line), returning it typed and redacted. */
  report(error: unknown, during: 'request'): AuthError
}

export const SESSION_INTERNALS: unique symbol = Symbol.for('authmux.session.internals')

/** The engine hooks of a strategy made by `createSession`, or undefined for any other `AuthStrategy`. */
export function internalsOf(strategy: object): SessionInternals | undefined {
  return SESSION_INTERNALS in strategy ? (strategy as { [SESSION_INTERNALS]: SessionInternals })[SESSION_INTERNALS] : undefined
}
