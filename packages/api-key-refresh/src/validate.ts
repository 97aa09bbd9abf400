import { ConfigError, isHeaderSafe } from '@authmux/core'

interface Where {
  packageName: string
  provider: string
}

/** A required string option that goes into a header or JSON body: non-empty, header-safe ASCII without whitespace. */
export function checkSecret(value: unknown, field: string, where: Where & { envName?: string; hint?: string }): string {
  const source = where.envName ? `${field} (or ${where.envName})` : field
  if (value === undefined || value === null || value === '') {
    const env = where.envName ? ` or set ${where.envName}` : ''
    throw new ConfigError(`${where.packageName}: ${field} is missing — pass { ${field}: '…' }${env}.${where.hint ? ` ${where.hint}` : ''}`, {
      provider: where.provider,
      field,
    })
  }
  if (typeof value !== 'string') {
    throw new ConfigError(`${where.packageName}: ${source} must be a string.`, { provider: where.provider, field })
  }
  if (/\s/.test(value) || !isHeaderSafe(value)) {
    throw new ConfigError(
      `${where.packageName}: ${source} contains whitespace, control or non-ASCII characters — copy it again without spaces, line breaks or look-alike characters; nothing was sent.`,
      {
        provider: where.provider,
        field,
      },
    )
  }
  return value
}

/** An absolute http(s) URL; returns it parsed. */
export function checkURL(value: unknown, where: Where & { envName?: string }): URL {
  const source = where.envName ? `baseURL (or ${where.envName})` : 'baseURL'
  if (typeof value !== 'string' || value.trim() === '') {
    const hint = where.envName ? ` or set ${where.envName}` : ''
    throw new ConfigError(`${where.packageName}: baseURL is missing — pass { baseURL: 'https://…' }${hint}.`, {
      provider: where.provider,
      field: 'baseURL',
    })
  }
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new ConfigError(`${where.packageName}: ${source} is not an absolute URL — pass e.g. 'https://api.example.com'.`, {
      provider: where.provider,
      field: 'baseURL',
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${where.packageName}: ${source} must use https: (got ${url.protocol}).`, { provider: where.provider, field: 'baseURL' })
  }
  return url
}

/** An optional path option: starts with '/', no scheme. */
export function checkPath(value: unknown, field: string, fallback: string, where: Where): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw new ConfigError(`${where.packageName}: ${field} must be a path starting with '/', e.g. '${fallback}'.`, {
      provider: where.provider,
      field,
    })
  }
  return value
}

/** An optional token-like option (header name, scheme, JSON field name). */
export function checkToken(value: unknown, field: string, fallback: string, where: Where): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
    throw new ConfigError(`${where.packageName}: ${field} must be a single word such as '${fallback}'.`, { provider: where.provider, field })
  }
  return value
}
