/** The non-credential headers AionMarket requests carry: an optional User-Agent and a per-request X-Request-ID. */
export function extraHeaders(options: { userAgent?: string | undefined; requestId?: boolean | (() => string) | undefined }): () => Record<string, string> {
  const { userAgent, requestId = true } = options
  return () => {
    const headers: Record<string, string> = {}
    if (userAgent) headers['User-Agent'] = userAgent
    if (requestId === true) headers['X-Request-ID'] = crypto.randomUUID()
    else if (typeof requestId === 'function') headers['X-Request-ID'] = requestId()
    return headers
  }
}
