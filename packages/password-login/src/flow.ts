import { ConfigError, serializeCookies, TokenExpiredError } from '@authmux/core'
import type { AuthFlow, FlowContext, OutgoingRequest, TokenSet } from '@authmux/core'
import { COOKIE_VALUE_RULE, isCookieValue } from './cookie-value'
import { passwordLogin } from './login'
import { sendStep } from './step'
import type { LoginSteps } from './steps'

/** Default error-message prefix. */
export const PACKAGE_NAME = '@authmux/password-login'

/** Where a flow keeps its encoded password (a symbol: spread-safe, off `JSON.stringify`). */
const ENCODED = Symbol()

/**
 * A password-login flow inherits its steps (its prototype: `name`, `baseURL`, `loginRequest` … are read from there)
 * and adds the `AuthFlow` methods below, shared by every flow (`this` = the flow).
 */
type LoginFlow = AuthFlow &
  LoginSteps & {
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

/** Asked only on a 401, so the step URLs are resolved then. */
function isAuthEndpoint(this: LoginFlow, url: URL): boolean {
  return this.authURLs.some((step) => step && new URL(step, this.baseURL).pathname === url.pathname)
}

/**
 * The `AuthFlow` of a password login, from its steps (inherited, not copied): login (+ one-time code), refresh,
 * optional server logout, and how tokens are attached. `createSession(flow, options)` runs it.
 */
export function loginFlow(steps: LoginSteps): AuthFlow {
  return Object.assign(Object.create(steps) as LoginFlow, {
    refreshWindow: steps.defaultRefreshWindow,
    secrets: [steps.password, ...Object.values(steps.extraCookies ?? {})],
    identity: steps.email?.trim().toLowerCase() || undefined,
    // Credentials configured → the engine may log in (also as the fallback after a rejected refresh). Without an
    // `otp` callback such a login stops with OtpRequiredError before anything is sent, which tells the user the fix.
    canAcquire: Boolean(steps.email && steps.password),
    acquire,
    apply,
    isAuthEndpoint,
    renew: steps.refreshRequest && renew,
    revoke: steps.logoutStep && revoke,
  })
}

async function renew(this: LoginFlow, tokens: TokenSet, ctx: FlowContext): Promise<TokenSet> {
  const token = tokens.refreshToken
  if (!token) throw new TokenExpiredError(`${this.packageName}: the ${this.name} session has no refresh token; log in again.`, { provider: this.name })
  checkTokenCookies(this, tokens)
  return this.tokensOf(await sendStep(ctx, this, this.refreshRequest!(tokens, token)), ctx, 'refresh')
}

async function revoke(this: LoginFlow, tokens: TokenSet, ctx: FlowContext): Promise<void> {
  const headers = new Headers(this.authHeaders)
  applyTokens(this, tokens, headers)
  await ctx.request({ url: this.logoutStep!.url, method: this.logoutStep!.method, headers: Object.fromEntries(headers) })
}

/** Token sets whose tokens are all valid cookie values (checked once per set, not once per request). */
const cookieSafe = new WeakSet<TokenSet>()

/**
 * Tokens read from a response were checked as they arrived; this catches the others (`setTokens()`, a store) before
 * anything is sent: a token that goes into a `Cookie` header and is not a cookie value is a `ConfigError`.
 */
function checkTokenCookies(steps: LoginSteps, tokens: TokenSet): void {
  if (cookieSafe.has(tokens)) return
  const badAccess = !isCookieValue(tokens.accessToken)
  const badRefresh = tokens.refreshToken !== undefined && !isCookieValue(tokens.refreshToken)
  if (!badAccess && !badRefresh) {
    cookieSafe.add(tokens)
    return
  }
  const { access, refresh } = steps.sentAsCookies
  const field = access && badAccess ? 'accessToken' : refresh && badRefresh ? 'refreshToken' : undefined
  if (field) {
    throw new ConfigError(
      `${steps.packageName}: the ${steps.name} ${field} is not a valid cookie value (${COOKIE_VALUE_RULE}), so it was not sent — import it exactly as the ${steps.name} cookie holds it (setTokens), or log in again.`,
      { provider: steps.name, field },
    )
  }
}

/** Adds `requestHeaders` (unless set), `extraCookies` and the tokens (`attachTokens`) to `headers`. */
function applyTokens(steps: LoginSteps, tokens: TokenSet | undefined, headers: Headers): void {
  for (const [name, value] of Object.entries(steps.requestHeaders ?? {})) if (!headers.has(name)) headers.set(name, value)
  const cookies: Record<string, string | undefined> = { ...steps.extraCookies }
  if (tokens) {
    checkTokenCookies(steps, tokens)
    steps.attachTokens(tokens, headers, cookies)
  }
  // Ours replace same-named cookies the caller put in the header.
  const kept = (headers.get('cookie') ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !(part.slice(0, Math.max(part.indexOf('='), 0)).trim() in cookies))
  const merged = [...kept, serializeCookies(cookies)].filter(Boolean).join('; ')
  if (merged) headers.set('Cookie', merged)
}
