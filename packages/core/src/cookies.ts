/**
 * Cookies set by a response, name → value. Cookies being deleted (`Max-Age=0` or an `Expires` in the past) are
 * left out. Attributes (Domain, Path, …) are ignored: the caller decides where cookies go.
 */
export function parseSetCookies(headers: Headers, now = Date.now()): Record<string, string> {
  const lines = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : splitSetCookie(headers.get('set-cookie'))
  const cookies: Record<string, string> = {}
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    if (isDeletion(attributes, now)) {
      delete cookies[name]
      continue
    }
    cookies[name] = decodeValue(value)
  }
  return cookies
}

/** One `Cookie` header value from name → value pairs; undefined values are skipped. */
export function serializeCookies(cookies: Record<string, string | undefined>): string {
  return Object.entries(cookies)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => `${name}=${value}`)
    .join('; ')
}

function isDeletion(attributes: string[], now: number): boolean {
  for (const attribute of attributes) {
    const [rawKey = '', rawValue = ''] = attribute.split('=')
    const key = rawKey.trim().toLowerCase()
    if (key === 'max-age' && Number(rawValue.trim()) <= 0) return true
    if (key === 'expires') {
      const at = Date.parse(attribute.slice(attribute.indexOf('=') + 1).trim())
      if (!Number.isNaN(at) && at <= now) return true
    }
  }
  return false
}

function decodeValue(value: string): string {
  const unquoted = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
  try {
    return decodeURIComponent(unquoted)
  } catch {
    return unquoted
  }
}

function splitSetCookie(header: string | null): string[] {
  if (!header) return []
  // Commas also appear inside Expires dates; split only before "name=".
  return header.split(/,(?=\s*[^;,=\s]+=)/)
}
