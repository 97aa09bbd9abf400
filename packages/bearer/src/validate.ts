import { assertSecureBaseURL, isHeaderSafe } from '@authmux/core'
import { configError, orEnv } from './config-error'
import { isValidHeaderName } from './header'
import { PACKAGE_NAME } from './package-name'

/**
 * Checks an API key option: a string without whitespace, control or non-ASCII characters (header-safe). Returns undefined
 * for a missing or empty key (the caller decides whether that is an error).
 */
export function checkApiKey(value: unknown, provider: string, envName?: string): string | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string' || /\s/.test(value) || !isHeaderSafe(value)) {
    throw configError(
      `${orEnv('apiKey', envName)} contains whitespace, control or non-ASCII characters (or is not a string) — copy the key again without them; nothing was sent.`,
      'apiKey',
      provider,
    )
  }
  return value
}

/**
 * Checks that `baseURL` is an absolute http(s) URL that may carry credentials (https, or http to loopback or with
 * `allowInsecureHttp`; core's rule) and returns it without a trailing slash.
 */
export function checkBaseURL(value: unknown, provider: string, allowInsecureHttp: boolean | undefined, envName?: string): string {
  if (typeof value !== 'string' || !/^\s*https?:/i.test(value)) {
    throw configError(`${orEnv('baseURL', envName)} must be an absolute https URL — pass e.g. 'https://api.example.com'.`, 'baseURL', provider)
  }
  return assertSecureBaseURL(value, { allowInsecureHttp, provider, packageName: PACKAGE_NAME }).href.replace(/\/+$/, '')
}

/** Returns `value` when it is an HTTP token (a header name, a scheme word); else throws `message` for `field`. */
function checkToken(value: unknown, field: string, provider: string, message: string): string {
  if (typeof value !== 'string' || !isValidHeaderName(value)) throw configError(message, field, provider)
  return value
}

/** Checks the header name option. Default `'Authorization'`. */
export function checkHeader(value: unknown, provider: string): string {
  return value === undefined ? 'Authorization' : checkToken(value, 'header', provider, "header must be a valid HTTP header name such as 'X-API-Key'.")
}

/** Checks the scheme option: a token such as 'Bearer' (the default), or null / '' for the bare key. */
export function checkScheme(value: unknown, provider: string): string | null {
  if (value === undefined) return 'Bearer'
  if (value === null || value === '') return null
  return checkToken(value, 'scheme', provider, "scheme must be a single word such as 'Bearer', or null for the bare key.")
}
