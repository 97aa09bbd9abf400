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

/** Whether `url` is on `base`'s origin and at or below its path (`/api` owns `/api` and `/api/x`, not `/apix`). */
export function isUnder(base: URL, url: URL): boolean {
  if (url.origin !== base.origin) return false
  const path = base.pathname.replace(/\/+$/, '')
  return path === '' || url.pathname === path || url.pathname.startsWith(`${path}/`)
}
