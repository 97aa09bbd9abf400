const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'proxy-authorization'])

/** Mask credentials in request headers: keep the scheme of Authorization and the names of cookies. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue
    const value = Array.isArray(raw) ? raw.join(', ') : raw
    const lower = name.toLowerCase()
    if (lower === 'cookie') {
      out[lower] = value
        .split(';')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => `${part.split('=')[0]}=[REDACTED]`)
        .join('; ')
    } else if (SECRET_HEADERS.has(lower)) {
      const scheme = /^(\w+)\s+/.exec(value)?.[1]
      out[lower] = lower === 'authorization' && scheme ? `${scheme} [REDACTED]` : '[REDACTED]'
    } else {
      out[lower] = value
    }
  }
  return out
}
