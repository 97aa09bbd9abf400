import { ConfigError, TokenExpiredError } from '@authmux/core'
import type { StreamAuth, TokenSet } from '@authmux/core'
import { isEndpoint, pathBelow, serializeCookies } from '@authmux/core/provider'
import type { FlowSpec } from '@authmux/core/provider'
import { COOKIE_VALUE_RULE, isCookieValue } from './cookie-value'
import { passwordLogin } from './login'
import { sendStep } from './step'
import type { LoginFields, LoginProvider } from './steps'

/** Default error-message prefix. */
export const PACKAGE_NAME = '@authmux/password-login'

/**
 * The `defineFlow` spec of a password-login provider: login (+ one-time code), refresh, optional server logout, and
 * how tokens are attached, written once over the provider's steps; with `stream`, its realtime stream too. Call it
 * once per provider, not per strategy: `const axiomFlow = defineFlow(loginFlowSpec(AXIOM_PROVIDER))`, then
 * `axiomFlow(fields)` per account.
 */
export function loginFlowSpec<F extends LoginFields>(provider: LoginProvider<F>, stream?: (fields: F) => StreamAuth): FlowSpec<F> {
  const { name, packageName, refreshRequest } = provider
  return {
    // The constants (name, packageName, refreshWindow, loginHint, credentialHeaders) and `toError` as they are.
    ...provider,
    stream,
    acquire: (ctx, fields) => passwordLogin(provider, fields, ctx),
    apply(tokens, request, fields) {
      applyTokens(provider, fields, tokens, request.headers)
    },
    renew:
      refreshRequest &&
      (async (tokens, ctx, fields) => {
        const token = tokens.refreshToken
        if (!token) {
          throw new TokenExpiredError(
            `${packageName}: the ${name} session has no refresh token, so it cannot be refreshed — log in again, or import both tokens with setTokens({ accessToken, refreshToken }).`,
            { provider: name },
          )
        }
        checkTokenCookies(provider, fields, tokens)
        return provider.tokensOf(await sendStep(ctx, fields, refreshRequest(tokens, token, fields)), ctx, 'refresh', fields)
      }),
    async revoke(tokens, ctx, fields) {
      const step = fields.logoutStep
      if (!step) return
      const headers = new Headers(fields.settings.authHeaders)
      applyTokens(provider, fields, tokens, headers)
      await ctx.request({ url: step.url, method: step.method, headers: Object.fromEntries(headers) })
    },
    isAuthEndpoint(url, fields) {
      const base = new URL(fields.baseURL)
      return [...fields.settings.authURLs, fields.logoutStep?.url].some((step) => step !== undefined && isStep(base, url, step))
    },
  }
}

/** Whether a step URL is absolute (`https://…`); otherwise it is a path below the base URL. */
export const isAbsoluteURL = (url: string): boolean => /^[a-z][a-z\d+.-]*:/i.test(url)

/** Whether `url` is the auth step `step` (a path below `base`, or an absolute URL), by core's one ownership rule. */
function isStep(base: URL, url: URL, step: string): boolean {
  const path = isAbsoluteURL(step) ? pathBelow(base, new URL(step)) : step.split('?', 1)[0]
  return isEndpoint(base, url, path)
}

/** Token sets whose tokens are all valid cookie values (checked once per set, not once per request). */
const cookieSafe = new WeakSet<TokenSet>()

/**
 * Tokens read from a response were checked as they arrived; this catches the others (`setTokens()`, a store) before
 * anything is sent: a token that goes into a `Cookie` header and is not a cookie value is a `ConfigError`.
 */
function checkTokenCookies(provider: { name: string; packageName: string }, fields: LoginFields, tokens: TokenSet): void {
  if (cookieSafe.has(tokens)) return
  const badAccess = !isCookieValue(tokens.accessToken)
  const badRefresh = tokens.refreshToken !== undefined && !isCookieValue(tokens.refreshToken)
  if (!badAccess && !badRefresh) {
    cookieSafe.add(tokens)
    return
  }
  const { access, refresh } = fields.settings.sentAsCookies
  const field = access && badAccess ? 'accessToken' : refresh && badRefresh ? 'refreshToken' : undefined
  if (field) {
    const { name, packageName } = provider
    throw new ConfigError(
      `${packageName}: the ${name} ${field} is not a valid cookie value (${COOKIE_VALUE_RULE}), so it was not sent — import it exactly as the ${name} cookie holds it (setTokens), or log in again.`,
      { provider: name, field },
    )
  }
}

/** Adds `requestHeaders` (unless set), `extraCookies` and the tokens (`attachTokens`) to `headers`. */
export function applyTokens<F extends LoginFields>(provider: LoginProvider<F>, fields: F, tokens: TokenSet | undefined, headers: Headers): void {
  for (const [name, value] of Object.entries(fields.settings.requestHeaders ?? {})) if (!headers.has(name)) headers.set(name, value)
  const cookies: Record<string, string | undefined> = { ...fields.extraCookies }
  if (tokens) {
    checkTokenCookies(provider, fields, tokens)
    provider.attachTokens(tokens, headers, cookies, fields)
  }
  // Ours replace same-named cookies the caller put in the header.
  const kept = (headers.get('cookie') ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !(part.slice(0, Math.max(part.indexOf('='), 0)).trim() in cookies))
  const merged = [...kept, serializeCookies(cookies)].filter(Boolean).join('; ')
  if (merged) headers.set('Cookie', merged)
}
