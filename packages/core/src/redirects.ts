import { ProviderError } from './errors'
import { discardBody } from './transport'

/** Headers that always carry credentials and never leave the strategy's scope. */
export const ALWAYS_CREDENTIAL_HEADERS = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization']

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])
/** Redirects followed before a request fails with `TOO_MANY_REDIRECTS`. */
export const MAX_REDIRECTS = 5

/** What `followRedirects` needs to know about the strategy. */
export interface RedirectPolicy {
  /** Headers that carry credentials (lower case), beyond `ALWAYS_CREDENTIAL_HEADERS`. */
  credentialHeaders: readonly string[]
  /** Whether the strategy's credentials may go to `url` — the same rule as for a direct request. */
  owns(url: URL): boolean
  label: { provider: string; packageName: string }
}

/**
 * Follows redirects by hand. Every hop is checked with the ownership rule of a direct request: on a hop the
 * strategy does not own (another origin, or the same origin outside the base path) every credential header is
 * dropped before the request leaves, and stays dropped. 303 (and 301/302 after a POST) becomes a body-less GET, as
 * browsers do. More than `MAX_REDIRECTS` hops is a `ProviderError` with code `TOO_MANY_REDIRECTS`.
 */
export async function followRedirects(
  url: URL,
  init: RequestInit & { headers: Headers },
  policy: RedirectPolicy,
  sendOnce: (url: URL, init: RequestInit & { headers: Headers }) => Promise<Response>,
): Promise<Response> {
  let currentUrl = url
  let currentInit = init
  currentInit.redirect = 'manual'
  for (let hop = 0; ; hop++) {
    const response = await sendOnce(currentUrl, currentInit)
    const location = response.headers.get('location')
    if (!REDIRECT_STATUS.has(response.status) || !location) return response
    await discardBody(response)
    if (hop >= MAX_REDIRECTS) {
      throw new ProviderError(
        `${policy.label.packageName}: ${currentUrl.origin}${currentUrl.pathname} kept redirecting (more than ${MAX_REDIRECTS} hops, HTTP ${response.status}); the provider may be misconfigured, or baseURL points at the wrong path.`,
        { provider: policy.label.provider, code: 'TOO_MANY_REDIRECTS', status: response.status },
      )
    }
    const next = new URL(location, currentUrl)
    const headers = new Headers(currentInit.headers)
    if (!policy.owns(next)) {
      for (const name of ALWAYS_CREDENTIAL_HEADERS) headers.delete(name)
      for (const name of policy.credentialHeaders) headers.delete(name)
    }
    const method = (currentInit.method ?? 'GET').toUpperCase()
    const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')
    if (toGet) {
      headers.delete('content-type')
      headers.delete('content-length')
    }
    currentInit = toGet ? { ...currentInit, method: 'GET', body: undefined, headers } : { ...currentInit, headers }
    currentUrl = next
  }
}
