import { ConfigError, OtpRequiredError } from '@authmux/core'
import type { FlowContext, TokenSet } from '@authmux/core'
import { sendStep } from './step'
import type { LoginFields, LoginProvider } from './steps'

/** Each strategy's encoded password, computed at most once (a failed encoding is retried on the next login). */
const encodedPasswords = new WeakMap<LoginFields, Promise<string>>()

/** The password as sent: encoded once per strategy by `settings.encodePassword` (registered for redaction), else as is. */
function passwordToSend(fields: LoginFields, password: string, ctx: FlowContext): string | Promise<string> {
  const encode = fields.settings.encodePassword
  if (!encode) return password
  let encoded = encodedPasswords.get(fields)
  if (!encoded) {
    encoded = encode(password).then(
      (value) => {
        ctx.addSecret(value)
        return value
      },
      (error: unknown) => {
        encodedPasswords.delete(fields)
        throw error
      },
    )
    encodedPasswords.set(fields, encoded)
  }
  return encoded
}

/** Step 1 (email + password), then the one-time-code step when the provider asks for one. */
export async function passwordLogin<F extends LoginFields>(provider: LoginProvider<F>, fields: F, ctx: FlowContext): Promise<TokenSet> {
  const { name, packageName } = provider
  const { email, settings } = fields
  const help = settings.otpHelp ? ` ${settings.otpHelp}` : ''
  const otpRequired = () =>
    new OtpRequiredError(`${packageName}: ${name} login needs a one-time code and no otp callback was given — pass { otp: async () => code }.${help}`, {
      provider: name,
    })
  if (!email || !fields.password) {
    const field = email ? 'password' : 'email'
    throw new ConfigError(`${packageName}: cannot log in to ${name} — ${field} is missing. ${settings.credentialsHelp ?? 'Pass { email, password }.'}${help}`, {
      provider: name,
      field,
    })
  }
  if (settings.otpRequired && !fields.otp) throw otpRequired()

  const password = await passwordToSend(fields, fields.password, ctx)
  const step1 = await sendStep(ctx, fields, provider.loginRequest({ email, password }, fields))
  const otpToken = provider.otpTokenOf(step1, fields)
  if (!otpToken) return provider.tokensOf(step1, ctx, 'login', fields)
  ctx.addSecret(otpToken)

  if (!fields.otp) throw otpRequired()
  const code = String((await fields.otp()) ?? '').trim()
  ctx.addSecret(code)
  if (!code) {
    throw new ConfigError(`${packageName}: the otp callback returned an empty code for ${name} — return the one-time code from the login email.`, {
      provider: name,
      field: 'otp',
    })
  }
  const step2 = await sendStep(ctx, fields, provider.otpRequest({ email, password, code, otpToken }, fields))
  return provider.tokensOf(step2, ctx, 'one-time-code', fields)
}
