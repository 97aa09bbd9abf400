/**
 * The path of `url` below `baseURL`'s path, starting with `/`, case preserved; undefined when `url` is on another
 * origin or outside the base path.
 */
export function pathBelowBase(url: URL, baseURL: URL): string | undefined {
  if (url.origin !== baseURL.origin) return undefined
  const basePath = baseURL.pathname.replace(/\/+$/, '')
  const path = url.pathname
  if (basePath === '') return path || '/'
  if (path === basePath) return '/'
  if (!path.startsWith(`${basePath}/`)) return undefined
  return path.slice(basePath.length)
}

/** Normalises a configured endpoint path to `/segment/…` for comparisons. */
export function normalisePath(path: string): string {
  return `/${path.replace(/^\/+/, '').replace(/\/+$/, '')}`
}
