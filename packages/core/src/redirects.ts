import { discardBody } from './transport'
/** Headers that always carry credentials and never cross origins. */
export const ALWAYS_CREDENTIAL_HEADERS = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization']

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * Follows redirects by hand. On a hop to another origin every credential header is dropped before the request
 * leaves; 303 (and 301/302 after a non-GET) becomes a body-less GET, as browsers do.
 */
export async function followRedirects(
  url: URL,
  init: RequestInit & { headers: Headers },
  credentialHeaders: readonly string[],
  sendOnce: (url: URL, init: RequestInit & { headers: Headers }) => Promise<Response>,
): Promise<Response> {
  let currentUrl = url
  let currentInit = init
  currentInit.redirect = 'manual'
  for (let hop = 0; ; hop++) {
    const response = await sendOnce(currentUrl, currentInit)
    const location = response.headers.get('location')
    if (!REDIRECT_STATUS.has(response.status) || !location || hop >= MAX_REDIRECTS) return response
    const next = new URL(location, currentUrl)
    const headers = new Headers(currentInit.headers)
    if (next.origin !== currentUrl.origin) {
      for (const name of ALWAYS_CREDENTIAL_HEADERS) headers.delete(name)
      for (const name of credentialHeaders) headers.delete(name)
    }
    const method = (currentInit.method ?? 'GET').toUpperCase()
    const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')
    if (toGet) {
      headers.delete('content-type')
      headers.delete('content-length')
    }
    await discardBody(response)
    currentInit = toGet ? { ...currentInit, method: 'GET', body: undefined, headers } : { ...currentInit, headers }
    currentUrl = next
  }
}
