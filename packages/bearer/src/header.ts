/** Formats the credential header value: `"<scheme> <key>"`, or the bare key when `scheme` is null or empty. */
export function formatCredential(key: string, scheme: string | null): string {
  return scheme ? `${scheme} ${key}` : key
}

/** Header names are case-insensitive tokens (RFC 9110); rejects anything that `Headers` would throw on later. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)
}
