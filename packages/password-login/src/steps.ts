import type { AuthFlow, FlowContext, FlowRequest, FlowResponse, TokenSet } from '@authmux/core'
import type { SentAsCookies } from './read-tokens'
import type { LoginBodyInput, LogoutStepConfig, OtpBodyInput, PasswordLoginConfig } from './types'

/**
 * What a password-login flow is built from: the provider's settings plus what each step sends and where the tokens
 * come back. The sequence itself (login → one-time code when asked → tokens; refresh; revoke) is written once, in
 * `flow.ts` and `login.ts`; the generic factory (`generic.ts`) and each preset only fill these in.
 */
export interface LoginSteps
  extends Pick<
      PasswordLoginConfig,
      | 'name'
      | 'baseURL'
      | 'authOrigins'
      | 'email'
      | 'password'
      | 'encodePassword'
      | 'otp'
      | 'authHeaders'
      | 'requestHeaders'
      | 'extraCookies'
      | 'defaultRefreshWindow'
      | 'otpHelp'
      | 'credentialsHelp'
    >,
    Pick<AuthFlow, 'toError' | 'credentialHeaders' | 'loginHint'> {
  /** Error-message prefix. */
  packageName: string
  /** Every login needs a code: without an `otp` callback, stop before step 1 is sent. */
  otpRequired?: boolean | undefined
  /** URLs of the auth steps (unset ones skipped), so a 401 from one of them is not answered with a renew. */
  authURLs: Array<string | undefined>
  /** The server-side logout call, when there is one. */
  logoutStep?: LogoutStepConfig | undefined
  /** Step 1's request (`password` already encoded). */
  loginRequest(input: LoginBodyInput): FlowRequest
  /** The pending one-time-code token in step 1's response; undefined when step 1 already logged in. */
  otpTokenOf(response: FlowResponse): string | undefined
  /** The one-time-code step's request. */
  otpRequest(input: OtpBodyInput): FlowRequest
  /** The tokens in a login, one-time-code or refresh response (`step` names it in errors). */
  tokensOf(response: FlowResponse, ctx: FlowContext, step: string): TokenSet
  /** The refresh call's request; without it the flow cannot refresh. */
  refreshRequest?: ((tokens: TokenSet, refreshToken: string) => FlowRequest) | undefined
  /**
   * Which tokens go into a `Cookie` header (on requests, the refresh call or the code step): those must be RFC 6265
   * cookie values, checked as they are read (`ResponseShapeError`) and again before tokens from `setTokens()` or a
   * store are sent.
   */
  sentAsCookies: SentAsCookies
  /** Puts the tokens on an ordinary request: as headers, or into `cookies` (sent as one `Cookie` header). */
  attachTokens(tokens: TokenSet, headers: Headers, cookies: Record<string, string | undefined>): void
}
