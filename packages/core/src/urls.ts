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
