import type { AuthError, FlowContext, FlowRequest, FlowResponse, RefreshWindow, TokenSet } from '@authmux/core'
import type { FlowFields } from '@authmux/core/provider'
import type { SentAsCookies } from './read-tokens'
import type { LoginBodyInput, LogoutStepConfig, OtpBodyInput } from './types'

/**
 * How a provider's auth calls look beyond the account's own values: headers, the one-time-code rule, help texts, the
 * step URLs. Shared by the strategies of one provider where it can be (Axiom: one object per set of hosts).
 */
export interface LoginSettings {
  /** URLs of the auth steps (a path below `baseURL`, or an absolute URL): a 401 on one of them is never renewed and replayed. */
  readonly authURLs: ReadonlyArray<string | undefined>
  /** Headers sent on every auth call (login, code, refresh, logout). */
  readonly authHeaders?: Readonly<Record<string, string>> | undefined
  /** Headers sent on every authenticated ordinary request (unless the caller set them). */
  readonly requestHeaders?: Readonly<Record<string, string>> | undefined
  /** Every login needs a code: without an `otp` callback, stop before step 1 is sent (no code email for nothing). */
  readonly otpRequired?: boolean | undefined
  /** Encodes the password before it is sent (a client-side hash); run once per strategy, on the first login. */
  readonly encodePassword?: ((password: string) => Promise<string>) | undefined
  /** Sentence appended to the one-time-code and missing-credentials messages: how to get tokens some other way. */
  readonly otpHelp?: string | undefined
  /** Sentence naming where the credentials come from, for the missing-credentials message (env var names …). */
  readonly credentialsHelp?: string | undefined
  /**
   * Which tokens go into a `Cookie` header (on requests, the refresh call or the code step): those must be RFC 6265
   * cookie values, checked as they are read (`ResponseShapeError`) and again before tokens from `setTokens()` or a
   * store are sent (`ConfigError`).
   */
  readonly sentAsCookies: SentAsCookies
}

/** What one password-login strategy holds: the account's values, and its provider's settings (shared). */
export interface LoginFields extends FlowFields {
  readonly settings: LoginSettings
  /** Login identifier (email or user name). Not secret. */
  readonly email: string | undefined
  /** Plain password. Secret. */
  readonly password: string | undefined
  /** Returns the one-time code; without it a code-requiring login is an `OtpRequiredError`. */
  readonly otp: (() => Promise<string>) | undefined
  /** Cookies sent on every auth call and ordinary request (a bot-protection clearance cookie …). Secret values. */
  readonly extraCookies: Readonly<Record<string, string | undefined>> | undefined
  /** The server-side logout call, when this strategy makes one. */
  readonly logoutStep: LogoutStepConfig | undefined
}

/**
 * A password-login provider: its constants, and what each step sends and where the tokens come back. The sequence
 * itself (login → one-time code when asked → tokens; refresh; logout; attach) is written once, in `flow.ts` and
 * `login.ts`; the generic style (`generic.ts`) and each preset only fill this in. Every method receives the
 * strategy's fields `F` as its last argument.
 */
export interface LoginProvider<F extends LoginFields> {
  /** Provider name, lower case ('axiom'). */
  readonly name: string
  /** Error-message prefix. */
  readonly packageName: string
  /** Refresh window this provider recommends. */
  readonly refreshWindow?: RefreshWindow | undefined
  /** How a user gets a session when the engine cannot log in by itself (appended to signed-out errors). */
  readonly loginHint?: string | undefined
  /** Headers that carry credentials beyond Authorization, Cookie and X-API-Key. */
  readonly credentialHeaders?: string[] | undefined
  /** Step 1's request (`password` already encoded). */
  loginRequest(input: LoginBodyInput, fields: F): FlowRequest
  /** The pending one-time-code token in step 1's response; undefined when step 1 already logged in. */
  otpTokenOf(response: FlowResponse, fields: F): string | undefined
  /** The one-time-code step's request. */
  otpRequest(input: OtpBodyInput, fields: F): FlowRequest
  /** The tokens in a login, one-time-code or refresh response (`step` names it in errors). */
  tokensOf(response: FlowResponse, ctx: FlowContext, step: string, fields: F): TokenSet
  /** The refresh call's request; a provider without it cannot refresh (a new login follows expiry). */
  refreshRequest?(tokens: TokenSet, refreshToken: string, fields: F): FlowRequest
  /** Puts the tokens on an ordinary request: as headers, or into `cookies` (sent as one `Cookie` header). */
  attachTokens(tokens: TokenSet, headers: Headers, cookies: Record<string, string | undefined>, fields: F): void
  /** Maps an error response to a typed error; undefined for the engine's default. */
  toError?(response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }, fields: F): AuthError | undefined
}
