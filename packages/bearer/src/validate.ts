import { ConfigError } from '@authmux/core'
import { isValidHeaderName } from './header'

/** Checks an API key option: a non-empty string without whitespace or control characters (header-safe). */
export function checkApiKey(value: unknown, where: { packageName: string; provider: string; field?: string; envName?: string }): string | undefined {
  if (value === undefined || value === '') return undefined
  const field = where.field ?? 'apiKey'
  const source = where.envName ? `${field} (or ${where.envName})` : field
  if (typeof value !== 'string') {
    throw new ConfigError(`${where.packageName}: ${source} must be a string.`, { provider: where.provider, field })
  }
  if (/[\s\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigError(`${where.packageName}: ${source} contains whitespace or control characters — copy the key again without spaces or line breaks.`, {
      provider: where.provider,
      field,
    })
  }
  return value
}

/** Checks that `baseURL` is an absolute http(s) URL and returns it without a trailing slash. */
export function checkBaseURL(value: unknown, where: { packageName: string; provider: string; envName?: string }): string {
  const source = where.envName ? `baseURL (or ${where.envName})` : 'baseURL'
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`${where.packageName}: ${source} is missing — pass { baseURL: 'https://…' }.`, {
      provider: where.provider,
      field: 'baseURL',
    })
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`${where.packageName}: ${source} is not an absolute URL — pass e.g. 'https://api.example.com'.`, {
      provider: where.provider,
      field: 'baseURL',
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${where.packageName}: ${source} must use https: (got ${url.protocol}).`, {
      provider: where.provider,
      field: 'baseURL',
    })
  }
  return url.href.replace(/\/+$/, '')
}

/** Checks the header name option. */
export function checkHeader(value: unknown, where: { packageName: string; provider: string }): string {
  if (value === undefined) return 'Authorization'
  if (typeof value !== 'string' || !isValidHeaderName(value)) {
    throw new ConfigError(`${where.packageName}: header must be a valid HTTP header name such as 'X-API-Key'.`, {
      provider: where.provider,
      field: 'header',
    })
  }
  return value
}

/** Checks the scheme option: a token such as 'Bearer', or null for the bare key. */
export function checkScheme(value: unknown, where: { packageName: string; provider: string }): string | null {
  if (value === undefined) return 'Bearer'
  if (value === null || value === '') return null
  if (typeof value !== 'string' || !isValidHeaderName(value)) {
    throw new ConfigError(`${where.packageName}: scheme must be a single word such as 'Bearer', or null for the bare key.`, {
      provider: where.provider,
      field: 'scheme',
    })
  }
  return value
}
