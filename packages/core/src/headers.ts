/** Header names are case-insensitive tokens (RFC 9110): what `Headers` accepts without throwing. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)
}
