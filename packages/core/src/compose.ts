import { ConfigError } from './errors'
import type { AuthFetchOptions } from './fetch-types'
import type { AuthStrategy } from './types'
import { isUnder, scopeOf } from './urls'

/** One fetch for a bot that talks to several providers. */
export interface ComposedAuth {
  /**
   * Fetches an absolute URL with the credentials of the strategy that owns it (see `AuthFetch`); a URL nobody owns is
   * a `ConfigError` (code `URL_NOT_OWNED`). Every failure is an `AuthError`.
   */
  fetch<T = unknown>(url: string | URL, options?: AuthFetchOptions): Promise<T>
  /** The strategy owning `url` (same origin, longest base-path prefix), or undefined. */
  strategyFor(url: string | URL): AuthStrategy | undefined
}

/** Routes each request to the strategy whose `baseURL` owns it, by origin then by the longest base-path prefix. */
export function composeAuth(...strategies: AuthStrategy[]): ComposedAuth {
  const routes = strategies
    .map((strategy) => {
      return { strategy, scope: scopeOf(new URL(strategy.baseURL)) }
    })
    .sort((a, b) => b.scope.path.length - a.scope.path.length)

  const strategyFor = (input: string | URL): AuthStrategy | undefined => {
    let url: URL
    try {
      url = new URL(String(input))
    } catch {
      return undefined
    }
    return routes.find((r) => isUnder(r.scope, url))?.strategy
  }

  return {
    strategyFor,
    async fetch<T>(input: string | URL, options?: AuthFetchOptions): Promise<T> {
      const strategy = strategyFor(input)
      if (!strategy) {
        const known = routes.map((r) => `${r.scope.origin}${r.scope.path}`).join(', ') || 'none'
        throw new ConfigError(
          `@authmux/core: no strategy owns ${safeURL(input)}; composeAuth only sends credentials to its strategies' base URLs (${known}). Pass an absolute URL under one of them.`,
          { code: 'URL_NOT_OWNED', field: 'url' },
        )
      }
      return strategy.fetch<T>(String(input), options)
    },
  }
}

/** The URL without query or credentials, for messages. */
function safeURL(input: string | URL): string {
  try {
    const url = new URL(String(input))
    return `${url.origin}${url.pathname}`
  } catch {
    return 'a relative or invalid URL'
  }
}
