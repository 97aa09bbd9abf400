import { assertSecureBaseURL, ConfigError } from '@authmux/core'
import { assertHeaderSafeOption, isValidHeaderName, optionOrEnv, requireOption, type EnvSource } from '@authmux/core/provider'
import { PACKAGE_NAME } from './flow'

/** Who reports an option problem, and where the option may also come from. */
export interface OptionSource {
  provider: string
  /** The environment variable read when the option is not given (presets only). */
  envName?: string
  /** The environment to read; `false` reads none. */
  env?: EnvSource
}

const fail = (field: string, provider: string, problem: string) => new ConfigError(`${PACKAGE_NAME}: ${field} ${problem}`, { provider, field })

/** A string option as given: a string, or undefined when left out. Anything else is a `ConfigError` naming it. */
function stringOption(value: unknown, field: string, source: OptionSource): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  const env = source.envName && source.env !== false ? `, or leave it out and set ${source.envName}` : ''
  throw fail(field, source.provider, `must be a string (got ${value === null ? 'null' : typeof value}) — pass it as text${env}.`)
}

/** An API key has no inner spaces: one there is a copy mistake the provider would only answer with a 401. */
function withoutSpaces(apiKey: string, source: OptionSource): string {
  if (!/\s/.test(apiKey)) return apiKey
  const field = source.envName && source.env !== false ? `apiKey (or ${source.envName})` : 'apiKey'
  throw new ConfigError(`${PACKAGE_NAME}: ${field} contains whitespace — copy the key again without spaces or line breaks. Nothing was sent.`, {
    provider: source.provider,
    field: 'apiKey',
  })
}

/**
 * The API key: the option (trimmed), else its environment variable. A key that cannot travel as text in a request
 * (CR, LF, control or non-ASCII characters) or has inner spaces is a `ConfigError` naming the option; nothing is sent.
 *
 * Unset, it is session-only mode when `storeKey` is given (undefined: use the stored session, never exchange), else a
 * `ConfigError` naming the option, its environment variable and both fixes.
 */
export function apiKeyOption(value: unknown, storeKey: string | undefined, source: OptionSource): string | undefined {
  const spec = { field: 'apiKey', packageName: PACKAGE_NAME, ...source }
  const apiKey = optionOrEnv(stringOption(value, 'apiKey', source), spec)
  if (apiKey !== undefined) return withoutSpaces(assertHeaderSafeOption(apiKey, spec), source)
  if (storeKey !== undefined) return undefined
  return requireOption(undefined, { ...spec, hint: 'Or pass { storeKey } to use a session stored earlier without the key.' })
}

/**
 * The base URL: the option, else its environment variable; absolute, and https (or http to a loopback host, or with
 * `allowInsecureHttp`). A missing one is a `ConfigError` naming the option, its variable and `hint`.
 */
export function baseURLOption(value: unknown, source: OptionSource & { allowInsecureHttp?: boolean; hint: string }): URL {
  const spec = { field: 'baseURL', packageName: PACKAGE_NAME, ...source }
  const baseURL = requireOption(stringOption(value, 'baseURL', source), spec)
  return assertSecureBaseURL(baseURL, { provider: source.provider, packageName: PACKAGE_NAME, allowInsecureHttp: source.allowInsecureHttp ?? false })
}

/** An optional endpoint path below `baseURL`: starts with one '/'. */
export function pathOption(value: unknown, field: string, fallback: string, provider: string): string {
  if (value === undefined) return fallback
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')) return value
  throw fail(field, provider, `must be a path below baseURL starting with one '/', e.g. '${fallback}' — a full URL or '//host' is not accepted.`)
}

/** An optional JSON field name of a request body: a non-empty string. */
export function jsonFieldOption(value: unknown, field: string, fallback: string, provider: string): string {
  if (value === undefined) return fallback
  if (typeof value === 'string' && value !== '') return value
  throw fail(field, provider, `must be the name of a JSON body field, a non-empty string such as '${fallback}'.`)
}

/** The optional header that carries the access token: a valid header name. */
export function headerOption(value: unknown, provider: string): string {
  if (value === undefined) return 'Authorization'
  if (typeof value === 'string' && isValidHeaderName(value)) return value
  throw fail('header', provider, `must be an HTTP header name such as 'Authorization' or 'X-Access-Token' (letters, digits and !#$%&'*+.^_\`|~- only).`)
}

/** The optional word before the access token: an auth scheme token, or null / '' for the bare token. */
export function schemeOption(value: unknown, provider: string): string | null {
  if (value === undefined) return 'Bearer'
  if (value === null || value === '') return null
  if (typeof value === 'string' && isValidHeaderName(value)) return value
  throw fail('scheme', provider, `must be a single word such as 'Bearer' or 'Token' (no spaces), or null to send the bare token.`)
}
