/** Joins a path below a base URL, keeping the base's path (`/api/v1` + `/auth/login` → `/api/v1/auth/login`). */
export function joinPath(base: URL, path: string): URL {
  const url = new URL(base.href)
  const [pathname = '', search] = path.split('?', 2)
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${pathname.replace(/^\/+/, '')}`
  url.search = search ? `?${search}` : ''
  return url
}

/** An absolute URL as is; anything else as a path below `base` (see joinPath). */
export function resolveURL(base: URL, target: string): URL {
  return /^[a-z][a-z\d+.-]*:/i.test(target) ? new URL(target) : joinPath(base, target)
}

/** A base URL reduced to what ownership checks compare: its origin and its path without trailing slashes. */
export interface BaseScope {
  origin: string
  path: string
}

/** The scope of a base URL (computed once per strategy, not per request). */
export function scopeOf(base: URL): BaseScope {
  return { origin: base.origin, path: base.pathname.replace(/\/+$/, '') }
}

/** Whether `url` is on the scope's origin and at or below its path (`/api` owns `/api` and `/api/x`, not `/apix`). */
export function isUnder(scope: BaseScope, url: URL): boolean {
  const { path } = scope
  return url.origin === scope.origin && (path === '' || url.pathname === path || url.pathname.startsWith(`${path}/`))
}

/**
 * The path of `url` below `base`'s path, starting with `/` (case preserved); undefined when `url` is on another origin
 * or outside the base path. The one ownership rule: requests, redirects and every flow's "is this an auth endpoint"
 * ask it.
 */
export function pathBelow(base: URL, url: URL): string | undefined {
  const scope = scopeOf(base)
  if (!isUnder(scope, url)) return undefined
  return url.pathname.slice(scope.path.length) || '/'
}

/** Whether `url` is the endpoint `path` (relative to `base`, slashes and case ignored). */
export function isEndpoint(base: URL, url: URL, path: string | undefined): boolean {
  if (!path) return false
  const below = pathBelow(base, url)
  return below !== undefined && normalisePath(below).toLowerCase() === normalisePath(path).toLowerCase()
}

/** A configured endpoint path as `/segment/…` (no trailing slash) for comparisons. */
export function normalisePath(path: string): string {
  return `/${path.replace(/^\/+/, '').replace(/\/+$/, '')}`
}
