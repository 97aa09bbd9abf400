import { ConfigError, InsecureTransportError } from './errors'

/** True for localhost, 127.0.0.0/8 and ::1 — the only hosts plain http is allowed to by default. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

/** Parses and checks a base URL: absolute, https (or http to loopback, or with the explicit insecure opt-in). */
export function assertSecureBaseURL(value: string, context: { allowInsecureHttp?: boolean; provider: string; packageName: string; field?: string }): URL {
  const field = context.field ?? 'baseURL'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`${context.packageName}: ${field} must be an absolute URL like https://api.example.com — got an unparsable value.`, {
      provider: context.provider,
      field,
    })
  }
  assertSecureURL(url, context)
  return url
}

/** Refuses `http:` to non-loopback hosts unless `allowInsecureHttp` is set; refuses non-http(s) schemes. */
export function assertSecureURL(url: URL, context: { allowInsecureHttp?: boolean; provider: string; packageName: string }): void {
  if (url.protocol === 'https:') return
  if (url.protocol !== 'http:') {
    throw new InsecureTransportError(`${context.packageName}: only https: URLs can carry credentials (got ${url.protocol}).`, {
      provider: context.provider,
    })
  }
  if (isLoopbackHost(url.hostname) || context.allowInsecureHttp) return
  throw new InsecureTransportError(
    `${context.packageName}: refusing to send credentials over plain http to ${url.host}. Use https, or pass allowInsecureHttp: true if you really mean it.`,
    { provider: context.provider },
  )
}
