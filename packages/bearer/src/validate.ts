import { assertSecureBaseURL } from '@authmux/core'
import { assertHeaderSafeOption, type EnvSource, isValidHeaderName, optionOrEnv, requireOption } from '@authmux/core/provider'
import { configError } from './config-error'
import { PACKAGE_NAME } from './package-name'

/** Who reads an option and where else it can come from, for messages. */
interface OptionSource {
  provider: string
  /** Environment variable that can supply the option. */
  envName?: string
}

/** `apiKey` or `apiKey (or AIONMARKET_API_KEY)`: where a value comes from, as messages name it. */
function sourceOf(field: string, envName: string | undefined): string {
  return envName ? `${field} (or ${envName})` : field
}

/**
 * Reads the API key by core's option/env rule (`optionOrEnv`, or `requireOption` when `required`) and checks it.
 * `trim: false` keeps surrounding whitespace, so a padded key is refused instead of silently repaired.
 */
export function readApiKey(value: unknown, source: OptionSource & { env?: EnvSource; trim?: boolean; required?: boolean; hint?: string }): string | undefined {
  const { provider, envName, env, trim, required, hint } = source
  if (value !== undefined && typeof value !== 'string') {
    throw configError(`apiKey must be a string — pass { apiKey: '…' }${envName ? ` or set ${envName}` : ''}.`, 'apiKey', provider)
  }
  const option = { field: 'apiKey', envName, env, provider, packageName: PACKAGE_NAME, trim }
  const key = required ? requireOption(value, { ...option, hint }) : optionOrEnv(value, option)
  return key === undefined ? undefined : checkApiKey(key, source)
}

/**
 * Refuses a key a header could not carry as is: whitespace or line breaks anywhere, control or non-ASCII characters
 * (core's header-safety check). The message names the option, never the value.
 */
export function checkApiKey(key: string, source: OptionSource): string {
  if (/\s/.test(key)) {
    throw configError(
      `${sourceOf('apiKey', source.envName)} contains whitespace or a line break — an API key has none: copy the key again without spaces or line breaks. Nothing was sent.`,
      'apiKey',
      source.provider,
    )
  }
  return assertHeaderSafeOption(key, { field: 'apiKey', envName: source.envName, provider: source.provider, packageName: PACKAGE_NAME })
}

/**
 * Checks that `baseURL` is an absolute http(s) URL that may carry credentials (core's `assertSecureBaseURL`: https, or
 * http to loopback or with `allowInsecureHttp`) and returns it without a trailing slash.
 */
export function checkBaseURL(value: unknown, source: OptionSource & { allowInsecureHttp: boolean | undefined; example: string }): string {
  const { provider, envName } = source
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) {
    throw configError(
      `${sourceOf('baseURL', envName)} must be an absolute https URL — pass { baseURL: '${source.example}' }${envName ? ` or set ${envName}` : ''}.`,
      'baseURL',
      provider,
    )
  }
  const url = assertSecureBaseURL(value.trim(), { allowInsecureHttp: source.allowInsecureHttp, provider, packageName: PACKAGE_NAME })
  return url.href.replace(/\/+$/, '')
}

/** Checks the header name option (core's `isValidHeaderName`). Default `'Authorization'`. */
export function checkHeader(value: unknown, provider: string): string {
  if (value === undefined) return 'Authorization'
  if (typeof value === 'string' && isValidHeaderName(value)) return value
  throw configError(
    "header must be a valid HTTP header name such as 'X-API-Key' — pass { header: 'X-API-Key' }, or leave it out for Authorization.",
    'header',
    provider,
  )
}

/** Checks the scheme option: a single word such as 'Bearer' (the default), or null / '' for the bare key. */
export function checkScheme(value: unknown, provider: string): string | null {
  if (value === undefined) return 'Bearer'
  if (value === null || value === '') return null
  if (typeof value === 'string' && isValidHeaderName(value)) return value
  throw configError("scheme must be a single word such as 'Bearer' or 'Token' — or null to send the bare key.", 'scheme', provider)
}
