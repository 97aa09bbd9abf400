import { ConfigError, OtpRequiredError, ResponseShapeError } from '@authmux/core'
import type { FlowContext, TokenSet } from '@authmux/core'
import { describeLocation, pickToken } from './pick-token'
import { readTokens } from './read-tokens'
import type { LoginBodyInput, LoginStepConfig, PasswordLoginConfig } from './types'

/** Login step 1 as presets write it: `body` also gets the config. */
type LoginStep = Omit<LoginStepConfig, 'body'> & { body?: (input: LoginBodyInput, config: LoginConfig) => Record<string, unknown> }

/** The parts of the config a login needs, with the package name resolved. */
export type LoginConfig = PasswordLoginConfig & { packageName: string }

/** Step 1 (email + password), then the one-time-code step when the provider asks for one. */
export async function passwordLogin(config: LoginConfig, ctx: FlowContext, encode: (ctx: FlowContext) => Promise<string>): Promise<TokenSet> {
  const { name: provider, packageName } = config
  if (!config.email || !config.password) {
    const missing = !config.email ? 'email' : 'password'
    throw new ConfigError(
      `${packageName}: cannot log in to ${provider} — ${missing} is missing. ${config.credentialsHelp ?? `Pass { email, password }.`}${config.otpHelp ? ` ${config.otpHelp}` : ''}`,
      { provider, field: missing },
    )
  }
  if (config.otpStep?.required && !config.otp) throw otpRequired(config)

  const email = config.email
  const password = await encode(ctx)
  const login = config.login as LoginStep
  const step1 = await ctx.request({
    url: login.url,
    method: login.method ?? 'POST',
    // The config goes along as a second argument: a preset reads per-strategy values from it (Axiom's turnstileToken).
    json: login.body ? login.body({ email, password }, config) : { email, password },
    headers: { ...config.authHeaders, ...login.headers },
    cookies: { ...config.extraCookies },
    retry: login.retry ?? true,
  })

  const names = { provider, packageName }
  const otpToken = pickToken(step1, login.otpToken, { ...names, what: 'one-time-code token' })
  if (!otpToken) return readTokens(step1, config.tokens, ctx, { ...names, step: 'login' })
  ctx.addSecret(otpToken)

  const otpStep = config.otpStep
  if (!otpStep) {
    throw new ResponseShapeError(`${packageName}: ${provider} asked for a one-time code but no otpStep is configured.`, {
      provider,
      field: describeLocation(login.otpToken),
      status: step1.status,
    })
  }
  if (!config.otp) throw otpRequired(config)
  const code = String((await config.otp()) ?? '').trim()
  ctx.addSecret(code)
  if (code === '') {
    throw new ConfigError(`${packageName}: the otp callback returned an empty code for ${provider}. Return the code from the login email.`, {
      provider,
      field: 'otp',
    })
  }

  const headers: Record<string, string> = { ...config.authHeaders, ...otpStep.headers }
  if (otpStep.otpTokenHeader) headers[otpStep.otpTokenHeader] = otpToken
  const cookies: Record<string, string | undefined> = { ...config.extraCookies }
  if (otpStep.otpTokenCookie) cookies[otpStep.otpTokenCookie] = otpToken
  const step2 = await ctx.request({
    url: otpStep.url,
    method: otpStep.method ?? 'POST',
    json: otpStep.body ? otpStep.body({ email, password, code, otpToken }) : { email, code },
    headers,
    cookies,
    retry: otpStep.retry ?? true,
  })
  return readTokens(step2, config.tokens, ctx, { ...names, step: 'one-time-code' })
}

/** The one-time code is needed and there is no way to get it here. */
export function otpRequired(config: LoginConfig): OtpRequiredError {
  return new OtpRequiredError(
    `${config.packageName}: ${config.name} login needs a one-time code and no otp callback was given. Pass { otp: async () => code }.${config.otpHelp ? ` ${config.otpHelp}` : ''}`,
    { provider: config.name },
  )
}
