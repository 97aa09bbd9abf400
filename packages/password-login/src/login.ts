import { ConfigError, OtpRequiredError } from '@authmux/core'
import type { FlowContext, TokenSet } from '@authmux/core'
import { sendStep } from './step'
import type { LoginSteps } from './steps'

/**
 * Step 1 (email + password), then the one-time-code step when the provider asks for one. `encode` returns the
 * password as sent (encoded once per flow).
 */
export async function passwordLogin(steps: LoginSteps, ctx: FlowContext, encode: () => string | Promise<string>): Promise<TokenSet> {
  const { name: provider, packageName, email } = steps
  const help = steps.otpHelp ? ` ${steps.otpHelp}` : ''
  const otpRequired = () =>
    new OtpRequiredError(`${packageName}: ${provider} login needs a one-time code: pass { otp: async () => code }.${help}`, {
      provider,
    })
  if (!email || !steps.password) {
    const field = email ? 'password' : 'email'
    throw new ConfigError(`${packageName}: ${field} is missing to log in to ${provider}. ${steps.credentialsHelp ?? 'Pass { email, password }.'}${help}`, {
      provider,
      field,
    })
  }
  if (steps.otpRequired && !steps.otp) throw otpRequired()

  const password = await encode()
  const step1 = await sendStep(ctx, steps, steps.loginRequest({ email, password }))
  const otpToken = steps.otpTokenOf(step1)
  if (!otpToken) return steps.tokensOf(step1, ctx, 'login')
  ctx.addSecret(otpToken)

  if (!steps.otp) throw otpRequired()
  const code = String((await steps.otp()) ?? '').trim()
  ctx.addSecret(code)
  if (!code) {
    throw new ConfigError(`${packageName}: the otp callback returned an empty code for ${provider}; return the emailed code.`, {
      provider,
      field: 'otp',
    })
  }
  const step2 = await sendStep(ctx, steps, steps.otpRequest({ email, password, code, otpToken }))
  return steps.tokensOf(step2, ctx, 'one-time-code')
}
