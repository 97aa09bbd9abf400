/**
 * Whether a request path matches a filter. A string matches the full path exactly or as a suffix that starts at a
 * segment boundary (so `'/auth/login'` matches `/api/v1/auth/login` but not `/api/v1/auth/user-login`); a RegExp is
 * tested against the full path (query string excluded).
 */
export function pathMatches(filter: string | RegExp | undefined, path: string): boolean {
  if (filter === undefined) return true
  if (typeof filter !== 'string') {
    filter.lastIndex = 0
    return filter.test(path)
  }
  if (path === filter) return true
  const normalized = filter.startsWith('/') ? filter : `/${filter}`
  return path.endsWith(normalized)
}
