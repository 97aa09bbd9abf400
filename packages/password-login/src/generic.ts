import { ResponseShapeError } from '@authmux/core'
import type { AuthFlow, FlowRequest } from '@authmux/core'
import { defineFlow } from '@authmux/core/provider'
import type { DefinedFlow } from '@authmux/core/provider'
import { loginFlowSpec, PACKAGE_NAME } from './flow'
import { checkConfig } from './generic-checks'
import { describeLocation, fieldsOf, pickToken, readTokens } from './read-tokens'
import type { LoginFields, LoginProvider } from './steps'
import type { PasswordLoginConfig } from './types'

// Everything that reads the declarative `PasswordLoginConfig` lives here (and in generic-checks.ts), so that a preset
// which writes its steps directly (Axiom) ships none of it.

/** A generic strategy's fields: the account's values, the settings read from its config, and the config itself. */
export interface GenericFields extends LoginFields {
  readonly config: PasswordLoginConfig
}

/** `name` and `packageName` (the default prefix when the config has none), for messages. */
const labelOf = (config: PasswordLoginConfig) => ({ name: config.name, packageName: config.packageName ?? PACKAGE_NAME })

/** A step's request from its config: URL, method, retry, its headers, then `headers`/`cookies` given here. */
function stepRequest(
  step: { url: string; method?: string; headers?: Record<string, string>; retry?: boolean },
  json: unknown,
  headers?: Record<string, string> | false | '',
  cookies?: Record<string, string | undefined> | false | '',
): FlowRequest {
  return { url: step.url, method: step.method, json, headers: { ...step.headers, ...headers }, cookies: { ...cookies }, retry: step.retry }
}

/** The steps of the generic style, shared by every generic strategy: each reads the strategy's config. */
const GENERIC_STEPS: Pick<LoginProvider<GenericFields>, 'loginRequest' | 'otpTokenOf' | 'otpRequest' | 'tokensOf' | 'attachTokens' | 'toError'> = {
  loginRequest: (input, { config }) => stepRequest(config.login, config.login.body ? config.login.body(input) : input),

  otpTokenOf(response, { config, settings }) {
    const location = config.login.otpToken
    const label = labelOf(config)
    const otpToken = pickToken(response, location, label, settings.sentAsCookies.otp)
    if (otpToken && !config.otpStep) {
      throw new ResponseShapeError(
        `${label.packageName}: ${label.name} asked for a one-time code but no otpStep is configured — add otpStep: { url, … } to the config.`,
        { provider: label.name, field: describeLocation(location), status: response.status },
      )
    }
    return otpToken
  },

  otpRequest(input, { config }) {
    const step = config.otpStep!
    return stepRequest(
      step,
      step.body ? step.body(input) : { email: input.email, code: input.code },
      step.otpTokenHeader && { [step.otpTokenHeader]: input.otpToken },
      step.otpTokenCookie && { [step.otpTokenCookie]: input.otpToken },
    )
  },

  /** The tokens as `config.tokens` says, with the expiry from its expiry fields when present. */
  tokensOf(response, ctx, step, { config, settings }) {
    const { access, refresh, expiresInField, expiresAtField } = config.tokens
    const tokens = readTokens(response, labelOf(config), step, access, refresh, settings.sentAsCookies)
    const body = fieldsOf(response)
    const expiresIn = expiresInField ? body[expiresInField] : undefined
    tokens.expiresAt = ctx.expiry({
      expiresInSeconds: typeof expiresIn === 'number' || typeof expiresIn === 'string' ? Number(expiresIn) : undefined,
      expiresAt: (expiresAtField ? body[expiresAtField] : undefined) as string | number | undefined,
    })
    return tokens
  },

  attachTokens(tokens, headers, cookies, { config }) {
    const attach = config.attach
    if (attach.as === 'cookies') {
      cookies[attach.access] = tokens.accessToken
      if (attach.refresh) cookies[attach.refresh] = tokens.refreshToken
    } else if (attach.as === 'header') {
      headers.set(attach.header ?? 'Authorization', attach.scheme === '' ? tokens.accessToken : `${attach.scheme ?? 'Bearer'} ${tokens.accessToken}`)
    }
  },

  toError: (response, { config }) => config.toError?.(response),
}

/** The refresh call, as `config.refresh.send` says (only for configs with a refresh step). */
const refreshRequest: NonNullable<LoginProvider<GenericFields>['refreshRequest']> = (tokens, token, { config }) => {
  const step = config.refresh!
  const send = step.send ?? { as: 'json', field: 'refreshToken' }
  return stepRequest(
    step,
    send.as === 'json' ? { [send.field]: token } : undefined,
    send.as === 'bearer' && { Authorization: `Bearer ${token}` },
    send.as === 'cookies' && { ...(send.access && { [send.access]: tokens.accessToken }), [send.refresh]: token },
  )
}

/** The generic provider of one config: its constants, and the shared steps that read each strategy's config. */
export function genericProvider(config: PasswordLoginConfig, packageName: string): LoginProvider<GenericFields> {
  return {
    name: config.name,
    packageName,
    refreshWindow: config.defaultRefreshWindow && { ...config.defaultRefreshWindow },
    credentialHeaders: config.credentialHeaders && [...config.credentialHeaders],
    ...GENERIC_STEPS,
    refreshRequest: config.refresh && refreshRequest,
  }
}

/**
 * One `defineFlow` per kind of generic provider — the constants a flow's prototype holds (name, message prefix,
 * refresh window, credential headers, whether it refreshes) — so many accounts of one provider share their methods.
 */
const genericFlows = new Map<string, (fields: GenericFields) => DefinedFlow<GenericFields>>()

export function genericFlow(config: PasswordLoginConfig, packageName: string): (fields: GenericFields) => DefinedFlow<GenericFields> {
  const provider = genericProvider(config, packageName)
  const key = JSON.stringify([provider.name, packageName, provider.refreshWindow ?? null, provider.credentialHeaders ?? null, config.refresh !== undefined])
  let make = genericFlows.get(key)
  if (!make) {
    make = defineFlow(loginFlowSpec(provider))
    genericFlows.set(key, make)
  }
  return make
}

/**
 * Builds the declarative `AuthFlow` of the password-login style from its config: login (+ one-time code), refresh,
 * optional server logout, and how tokens are attached. `createSession(flow, options)` runs it. Every option is
 * checked here (a `ConfigError` naming it): nothing is sent with a bad header, cookie or URL.
 */
export function createPasswordLoginFlow(config: PasswordLoginConfig): AuthFlow {
  const label = labelOf(config)
  const sentAsCookies = checkConfig(config, label)
  return genericFlow(
    config,
    label.packageName,
  )({
    baseURL: config.baseURL,
    // No email: no name for the account, so the engine keys the store by a fingerprint of the secrets.
    identity: config.email?.trim().toLowerCase() || undefined,
    secrets: [config.password, ...Object.values(config.extraCookies ?? {})],
    // Credentials configured → the engine may log in (also as the fallback after a rejected refresh). Without an
    // `otp` callback such a login stops with OtpRequiredError before anything is sent, which tells the user the fix.
    canAcquire: Boolean(config.email && config.password),
    authOrigins: config.authOrigins,
    settings: {
      authURLs: [config.login.url, config.otpStep?.url, config.refresh?.url],
      authHeaders: config.authHeaders,
      requestHeaders: config.requestHeaders,
      otpRequired: config.otpStep?.required,
      encodePassword: config.encodePassword,
      otpHelp: config.otpHelp,
      credentialsHelp: config.credentialsHelp,
      sentAsCookies,
    },
    email: config.email,
    password: config.password,
    otp: config.otp,
    extraCookies: config.extraCookies,
    logoutStep: config.logoutStep,
    config,
  })
}
