import { ResponseShapeError } from '@authmux/core'
import type { AuthFlow, FlowContext, FlowRequest, FlowResponse, TokenSet } from '@authmux/core'
import { checkCookieName, checkCookieOption } from './cookie-value'
import { loginFlow, PACKAGE_NAME } from './flow'
import { describeLocation, fieldsOf, pickToken, readTokens, type SentAsCookies } from './read-tokens'
import type { LoginSteps } from './steps'
import type { LoginBodyInput, OtpBodyInput, PasswordLoginConfig } from './types'

// Everything that reads the declarative `PasswordLoginConfig` lives in this file, so that a preset which writes its
// steps directly (Axiom) ships none of it. `this` = the flow, which inherits the config.

/** The generic flow's steps: the config (package name resolved) plus the step functions below. */
type GenericSteps = LoginSteps & PasswordLoginConfig

/** A step's request from its config: URL, method, retry, its headers, then `headers`/`cookies` given here. */
function stepRequest(
  step: { url: string; method?: string; headers?: Record<string, string>; retry?: boolean },
  json: unknown,
  headers?: Record<string, string> | false | '',
  cookies?: Record<string, string | undefined> | false | '',
): FlowRequest {
  return { url: step.url, method: step.method, json, headers: { ...step.headers, ...headers }, cookies: { ...cookies }, retry: step.retry }
}

function loginRequest(this: GenericSteps, input: LoginBodyInput): FlowRequest {
  return stepRequest(this.login, this.login.body ? this.login.body(input) : input)
}

function otpTokenOf(this: GenericSteps, response: FlowResponse): string | undefined {
  const location = this.login.otpToken
  const otpToken = pickToken(response, location, this, this.sentAsCookies.otp)
  if (otpToken && !this.otpStep) {
    throw new ResponseShapeError(`${this.packageName}: ${this.name} asked for a one-time code; configure otpStep.`, {
      provider: this.name,
      field: describeLocation(location),
      status: response.status,
    })
  }
  return otpToken
}

function otpRequest(this: GenericSteps, input: OtpBodyInput): FlowRequest {
  const step = this.otpStep!
  return stepRequest(
    step,
    step.body ? step.body(input) : { email: input.email, code: input.code },
    step.otpTokenHeader && { [step.otpTokenHeader]: input.otpToken },
    step.otpTokenCookie && { [step.otpTokenCookie]: input.otpToken },
  )
}

/** The tokens as `config.tokens` says, with the expiry from its expiry fields when present. */
function tokensOf(this: GenericSteps, response: FlowResponse, ctx: FlowContext, step: string): TokenSet {
  const { access, refresh, expiresInField, expiresAtField } = this.tokens
  const tokens = readTokens(response, this, step, access, refresh, this.sentAsCookies)
  const body = fieldsOf(response)
  const expiresIn = expiresInField ? body[expiresInField] : undefined
  tokens.expiresAt = ctx.expiry({
    expiresInSeconds: typeof expiresIn === 'number' || typeof expiresIn === 'string' ? Number(expiresIn) : undefined,
    expiresAt: (expiresAtField ? body[expiresAtField] : undefined) as string | number | undefined,
  })
  return tokens
}

function refreshRequest(this: GenericSteps, tokens: TokenSet, token: string): FlowRequest {
  const step = this.refresh!
  const send = step.send ?? { as: 'json', field: 'refreshToken' }
  return stepRequest(
    step,
    send.as === 'json' ? { [send.field]: token } : undefined,
    send.as === 'bearer' && { Authorization: `Bearer ${token}` },
    send.as === 'cookies' && { ...(send.access && { [send.access]: tokens.accessToken }), [send.refresh]: token },
  )
}

function attachTokens(this: GenericSteps, tokens: TokenSet, headers: Headers, cookies: Record<string, string | undefined>): void {
  const attach = this.attach
  if (attach.as === 'cookies') {
    cookies[attach.access] = tokens.accessToken
    if (attach.refresh) cookies[attach.refresh] = tokens.refreshToken
  } else if (attach.as === 'header') {
    headers.set(attach.header ?? 'Authorization', attach.scheme === '' ? tokens.accessToken : `${attach.scheme ?? 'Bearer'} ${tokens.accessToken}`)
  }
}

/**
 * Checks every cookie the config names or sets (a `ConfigError` naming the option: nothing is ever sent) and says
 * which tokens go into a `Cookie` header, so those are checked as cookie values when they are read.
 */
function cookiesOf(config: PasswordLoginConfig, label: { name: string; packageName: string }): SentAsCookies {
  const { attach, otpStep } = config
  const send = config.refresh?.send
  for (const [name, value] of Object.entries(config.extraCookies ?? {})) {
    checkCookieName(name, 'extraCookies', label)
    checkCookieOption(value, `extraCookies.${name}`, label, 'pass the value exactly as the cookie holds it, or leave it out')
  }
  const names: Array<[string | undefined, string]> = [
    [attach.as === 'cookies' ? attach.access : undefined, 'attach.access'],
    [attach.as === 'cookies' ? attach.refresh : undefined, 'attach.refresh'],
    [send?.as === 'cookies' ? send.access : undefined, 'refresh.send.access'],
    [send?.as === 'cookies' ? send.refresh : undefined, 'refresh.send.refresh'],
    [otpStep?.otpTokenCookie, 'otpStep.otpTokenCookie'],
  ]
  for (const [name, field] of names) if (name !== undefined) checkCookieName(name, field, label)
  return {
    access: attach.as === 'cookies' || (send?.as === 'cookies' && send.access !== undefined),
    refresh: (attach.as === 'cookies' && attach.refresh !== undefined) || send?.as === 'cookies',
    otp: otpStep?.otpTokenCookie !== undefined,
  }
}

/**
 * Builds the declarative `AuthFlow` of the password-login style from its config: login (+ one-time code),
 * refresh, optional server logout, and how tokens are attached. `createSession(flow, options)` runs it.
 */
export function createPasswordLoginFlow(config: PasswordLoginConfig): AuthFlow {
  const authURLs = [config.login.url, config.otpStep?.url, config.refresh?.url, config.logoutStep?.url]
  // A step URL that does not resolve against baseURL fails here (a TypeError), not on the first 401.
  for (const url of authURLs) if (url) new URL(url, config.baseURL)
  const packageName = config.packageName ?? PACKAGE_NAME
  const steps: GenericSteps = {
    ...config,
    packageName,
    sentAsCookies: cookiesOf(config, { name: config.name, packageName }),
    otpRequired: config.otpStep?.required,
    authURLs,
    loginRequest,
    otpTokenOf,
    otpRequest,
    tokensOf,
    refreshRequest: config.refresh && refreshRequest,
    attachTokens,
  }
  return loginFlow(steps)
}
