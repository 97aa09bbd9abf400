/** Formats the credential header value: `"<scheme> <key>"`, or the bare key when `scheme` is null or empty. */
export function formatCredential(key: string, scheme: string | null): string {
  return scheme ? `${scheme} ${key}` : key
}
