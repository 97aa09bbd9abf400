import { serializeCookies, TokenExpiredError } from '@authmux/core'
import type { AuthFlow, FlowContext, OutgoingRequest, TokenSet } from '@authmux/core'
import { passwordLogin } from './login'
import type { LoginConfig } from './login'
import { readTokens } from './read-tokens'
import { sendStep } from './step'
import type { PasswordLoginConfig } from './types'

/** Default error-message prefix. */
export const PACKAGE_NAME = '@authmux/password-login'

/** Where a flow keeps its encoded password (a symbol: spread-safe, off `JSON.stringify`). */
const ENCODED = Symbol()

/**
 * A password-login flow inherits its config (its prototype: `name`, `baseURL`, `toError` … are read from there) and
 * adds the `AuthFlow` methods below, shared by every flow (`this` = the flow).
 */
type LoginFlow = AuthFlow &
  LoginConfig & {
    /** The encoded password, computed at most once per flow (a failed encoding is retried on the next login). */
    [ENCODED]?: Promise<string> | undefined
  }

function acquire(this: LoginFlow, ctx: FlowContext): Promise<TokenSet> {
  const password = this.password as string
  const encode = this.encodePassword
  return passwordLogin(this, ctx, () =>
    encode
      ? (this[ENCODED] ??= encode(password).then(
          (value) => {
            ctx.addSecret(value)
            return value
          },
          (error: unknown) => {
            this[ENCODED] = undefined
            throw error
          },
        ))
      : password,
  )
}

function apply(this: LoginFlow, tokens: TokenSet | undefined, request: OutgoingRequest): void {
  applyTokens(this, tokens, request.headers)
}

/** The steps that talk to auth endpoints. */
const stepsOf = (config: PasswordLoginConfig) => [config.login, config.otpStep, config.refresh, config.logoutStep]

/** Asked only on a 401, so the step URLs are resolved then. */
function isAuthEndpoint(this: LoginFlow, url: URL): boolean {
  return stepsOf(this).some((step) => step && new URL(step.url, this.baseURL).pathname === url.pathname)
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
  return Object.assign(Object.create(config) as LoginFlow, {
    refreshWindow: config.defaultRefreshWindow,
    secrets: [config.password, ...Object.values(config.extraCookies ?? {})],
    identity: config.email?.trim().toLowerCase() || 'default',
    // Credentials configured → the engine may log in (also as the fallback after a rejected refresh). Without an
    // `otp` callback such a login stops with OtpRequiredError before anything is sent, which tells the user the fix.
    canAcquire: Boolean(config.email && config.password),
    acquire,
    apply,
    isAuthEndpoint,
    renew: config.refresh && renew,
    revoke: config.logoutStep && revoke,
  })
}

async function renew(this: LoginFlow, tokens: TokenSet, ctx: FlowContext): Promise<TokenSet> {
  const token = tokens.refreshToken
  if (!token) throw new TokenExpiredError(`${this.packageName}: the ${this.name} session has no refresh token; log in again.`, { provider: this.name })
  const step = this.refresh!
  const send = step.send ?? { as: 'json', field: 'refreshToken' }
  const response = await sendStep(
    ctx,
    this,
    step,
    send.as === 'json' ? { [send.field]: token } : undefined,
    send.as === 'bearer' && { Authorization: `Bearer ${token}` },
    send.as === 'cookies' && { ...(send.access && { [send.access]: tokens.accessToken }), [send.refresh]: token },
  )
  return readTokens(response, this, ctx, 'refresh')
}

async function revoke(this: LoginFlow, tokens: TokenSet, ctx: FlowContext): Promise<void> {
  const headers = new Headers(this.authHeaders)
  applyTokens(this, tokens, headers)
  await ctx.request({ url: this.logoutStep!.url, method: this.logoutStep!.method, headers: Object.fromEntries(headers) })
}

/** Adds `requestHeaders` (unless set), `extraCookies` and the tokens as `config.attach` says. */
function applyTokens(config: LoginConfig, tokens: TokenSet | undefined, headers: Headers): void {
  for (const [name, value] of Object.entries(config.requestHeaders ?? {})) if (!headers.has(name)) headers.set(name, value)
  const cookies: Record<string, string | undefined> = { ...config.extraCookies }
  const attach = config.attach
  if (tokens && attach.as === 'cookies') {
    cookies[attach.access] = tokens.accessToken
    if (attach.refresh) cookies[attach.refresh] = tokens.refreshToken
  } else if (tokens && attach.as === 'header') {
    headers.set(attach.header ?? 'Authorization', attach.scheme === '' ? tokens.accessToken : `${attach.scheme ?? 'Bearer'} ${tokens.accessToken}`)
  }
  // Ours replace same-named cookies the caller put in the header.
  const kept = (headers.get('cookie') ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !(part.slice(0, Math.max(part.indexOf('='), 0)).trim() in cookies))
  const merged = [...kept, serializeCookies(cookies)].filter(Boolean).join('; ')
  if (merged) headers.set('Cookie', merged)
}
