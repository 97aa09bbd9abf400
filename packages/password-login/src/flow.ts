import { serializeCookies, TokenExpiredError } from '@authmux/core'
import type { AuthFlow, FlowContext, OutgoingRequest, TokenSet } from '@authmux/core'
import { passwordLogin } from './login'
import type { LoginConfig } from './login'
import { readTokens } from './read-tokens'
import type { PasswordLoginConfig } from './types'

/** Default error-message prefix. */
export const PACKAGE_NAME = '@authmux/password-login'

/** Where a flow keeps its config and its encoded password (symbols: spread-safe, off `JSON.stringify`). */
const CONFIG = Symbol('config')
const ENCODED = Symbol('encoded password')

/** A password-login flow: `AuthFlow` plus its config; the methods below are shared by every flow (`this` = the flow). */
interface LoginFlow extends AuthFlow {
  [CONFIG]: LoginConfig
  /** The encoded password, computed at most once per flow (a failed encoding is retried on the next login). */
  [ENCODED]?: Promise<string> | undefined
}

function encodedPassword(flow: LoginFlow, ctx: FlowContext): Promise<string> {
  const config = flow[CONFIG]
  const password = config.password ?? ''
  if (!config.encodePassword) return Promise.resolve(password)
  return (flow[ENCODED] ??= config.encodePassword(password).then(
    (value) => {
      ctx.addSecret(value)
      return value
    },
    (error: unknown) => {
      flow[ENCODED] = undefined
      throw error
    },
  ))
}

function acquire(this: LoginFlow, ctx: FlowContext): Promise<TokenSet> {
  return passwordLogin(this[CONFIG], ctx, (c) => encodedPassword(this, c))
}

function apply(this: LoginFlow, tokens: TokenSet | undefined, request: OutgoingRequest): void {
  applyTokens(this[CONFIG], tokens, request)
}

/** The steps that talk to auth endpoints. */
const stepsOf = (config: PasswordLoginConfig) => [config.login, config.otpStep, config.refresh, config.logoutStep]

/** Asked only on a 401, so the step URLs are resolved then. */
function isAuthEndpoint(this: LoginFlow, url: URL): boolean {
  const config = this[CONFIG]
  return stepsOf(config).some((step) => step && new URL(step.url, config.baseURL).pathname === url.pathname)
}

/**
 * Builds the declarative `AuthFlow` of the password-login style from its config: login (+ one-time code),
 * refresh, optional server logout, and how tokens are attached. `createSession(flow, options)` runs it.
 */
export function createPasswordLoginFlow(input: PasswordLoginConfig): AuthFlow {
  // A step URL that does not resolve against baseURL fails here (a TypeError), not on the first 401.
  for (const step of stepsOf(input)) if (step) new URL(step.url, input.baseURL)
  return passwordLoginFlow({ ...input, packageName: input.packageName ?? PACKAGE_NAME })
}

/** Internal: the flow of a config the caller owns (a preset's), without copying it. */
export function passwordLoginFlow(config: LoginConfig): AuthFlow {
  const flow: LoginFlow = {
    [CONFIG]: config,
    name: config.name,
    packageName: config.packageName,
    baseURL: config.baseURL,
    secrets: [config.password, ...Object.values(config.extraCookies ?? {})],
    identity: config.email?.trim().toLowerCase() || 'default',
    // Credentials configured → the engine may log in (also as the fallback after a rejected refresh). Without an
    // `otp` callback such a login stops with OtpRequiredError before anything is sent, which tells the user the fix.
    canAcquire: Boolean(config.email && config.password),
    acquire,
    apply,
    isAuthEndpoint,
  }
  if (config.authOrigins) flow.authOrigins = config.authOrigins
  if (config.credentialHeaders) flow.credentialHeaders = config.credentialHeaders
  if (config.defaultRefreshWindow) flow.refreshWindow = config.defaultRefreshWindow
  if (config.toError) flow.toError = config.toError
  if (config.refresh) flow.renew = renew
  if (config.logoutStep) flow.revoke = revoke
  return flow
}

async function renew(this: LoginFlow, tokens: TokenSet, ctx: FlowContext): Promise<TokenSet> {
  const config = this[CONFIG]
  const step = config.refresh!
  if (!tokens.refreshToken) {
    throw new TokenExpiredError(`${config.packageName}: the ${config.name} session has no refresh token; a new login is needed.`, {
      provider: config.name,
    })
  }
  const send = step.send ?? { as: 'json', field: 'refreshToken' }
  const headers: Record<string, string> = { ...config.authHeaders, ...step.headers }
  const cookies: Record<string, string | undefined> = { ...config.extraCookies }
  let json: unknown
  if (send.as === 'cookies') {
    if (send.access) cookies[send.access] = tokens.accessToken
    cookies[send.refresh] = tokens.refreshToken
  } else if (send.as === 'bearer') {
    headers.Authorization = `Bearer ${tokens.refreshToken}`
  } else {
    json = { [send.field]: tokens.refreshToken }
  }
  const response = await ctx.request({ url: step.url, method: step.method ?? 'POST', json, headers, cookies })
  return readTokens(response, config.tokens, ctx, { provider: config.name, packageName: config.packageName, step: 'refresh' })
}

async function revoke(this: LoginFlow, tokens: TokenSet, ctx: FlowContext): Promise<void> {
  const config = this[CONFIG]
  const step = config.logoutStep!
  const request = { url: new URL(step.url, config.baseURL), method: step.method ?? 'POST', headers: new Headers(config.authHeaders) }
  applyTokens(config, tokens, request)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  await ctx.request({ url: step.url, method: request.method, headers })
}

function applyTokens(config: LoginConfig, tokens: TokenSet | undefined, request: OutgoingRequest): void {
  for (const [name, value] of Object.entries(config.requestHeaders ?? {})) {
    if (!request.headers.has(name)) request.headers.set(name, value)
  }
  const cookies: Record<string, string | undefined> = { ...config.extraCookies }
  const attach = config.attach
  if (tokens && attach.as === 'cookies') {
    cookies[attach.access] = tokens.accessToken
    if (attach.refresh) cookies[attach.refresh] = tokens.refreshToken
  } else if (tokens && attach.as === 'header') {
    const value = attach.scheme === '' ? tokens.accessToken : `${attach.scheme ?? 'Bearer'} ${tokens.accessToken}`
    request.headers.set(attach.header ?? 'Authorization', value)
  }
  const merged = mergeCookieHeader(request.headers.get('cookie'), cookies)
  if (merged !== '') request.headers.set('Cookie', merged)
}

/** Adds cookies to an existing `Cookie` header value; ours replace same-named ones (e.g. on a replay). */
function mergeCookieHeader(existing: string | null, cookies: Record<string, string | undefined>): string {
  const kept = (existing ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !(part.slice(0, Math.max(part.indexOf('='), 0)).trim() in cookies))
  const ours = serializeCookies(cookies)
  return [...kept, ...(ours === '' ? [] : [ours])].join('; ')
}
