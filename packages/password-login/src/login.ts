import { ConfigError, OtpRequiredError, ResponseShapeError } from '@authmux/core'
import type { FlowContext, TokenSet } from '@authmux/core'
import { describeLocation, pickToken } from './pick-token'
import { readTokens } from './read-tokens'
import { sendStep } from './step'
import type { LoginBodyInput, PasswordLoginConfig } from './types'

/** The config a flow runs on: the package name resolved. */
export type LoginConfig = PasswordLoginConfig & { packageName: string }

/** Login step 1's body builder as presets write it: it also gets the config (Axiom reads `turnstileToken` there). */
type LoginBody = (input: LoginBodyInput, config: LoginConfig) => Record<string, unknown>

/**
 * Step 1 (email + password), then the one-time-code step when the provider asks for one. `encode` returns the
 * password as sent (encoded once per flow).
 */
export async function passwordLogin(config: LoginConfig, ctx: FlowContext, encode: () => string | Promise<string>): Promise<TokenSet> {
  const { name: provider, packageName, email, login, otpStep } = config
  const help = config.otpHelp ? ` ${config.otpHelp}` : ''
  const otpRequired = () =>
    new OtpRequiredError(`${packageName}: ${provider} login needs a one-time code: pass { otp: async () => code }.${help}`, {
      provider,
    })
  if (!email || !config.password) {
    const field = email ? 'password' : 'email'
    throw new ConfigError(`${packageName}: ${field} is missing to log in to ${provider}. ${config.credentialsHelp ?? 'Pass { email, password }.'}${help}`, {
      provider,
      field,
    })
  }
  if (otpStep?.required && !config.otp) throw otpRequired()

  const password = await encode()
  const body = login.body as LoginBody | undefined
  const step1 = await sendStep(ctx, config, login, body ? body({ email, password }, config) : { email, password })
  const otpToken = pickToken(step1, login.otpToken, config)
  if (!otpToken) return readTokens(step1, config, ctx, 'login')
  ctx.addSecret(otpToken)

  if (!otpStep) {
    throw new ResponseShapeError(`${packageName}: ${provider} asked for a one-time code; configure otpStep.`, {
      provider,
      field: describeLocation(login.otpToken),
      status: step1.status,
    })
  }
  if (!config.otp) throw otpRequired()
  const code = String((await config.otp()) ?? '').trim()
  ctx.addSecret(code)
  if (!code) {
    throw new ConfigError(`${packageName}: the otp callback returned an empty code for ${provider}; return the emailed code.`, {
      provider,
      field: 'otp',
    })
  }
  const step2 = await sendStep(
    ctx,
    config,
    otpStep,
    otpStep.body ? otpStep.body({ email, password, code, otpToken }) : { email, code },
    otpStep.otpTokenHeader && { [otpStep.otpTokenHeader]: otpToken },
    otpStep.otpTokenCookie && { [otpStep.otpTokenCookie]: otpToken },
  )
  return readTokens(step2, config, ctx, 'one-time-code')
}
