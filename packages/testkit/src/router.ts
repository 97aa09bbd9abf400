import type { EmulatorRequest, EmulatorResponse } from './http-types.js'

/** A route handler. */
export type RouteHandler = (request: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse

interface Route {
  method: string
  pattern: RegExp
  names: string[]
  handler: RouteHandler
}

/** A tiny method + path router; `:name` segments become `request.params.name`. */
export class Router {
  readonly #routes: Route[] = []

  /** Register a route. `path` is the full path on the origin. */
  on(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = []
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1))
          return '([^/]+)'
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('/')
    this.#routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, handler })
    return this
  }

  /** Find the handler; `'method-not-allowed'` when the path exists with another method. */
  match(request: EmulatorRequest): RouteHandler | 'method-not-allowed' | undefined {
    let pathKnown = false
    for (const route of this.#routes) {
      const m = route.pattern.exec(request.path)
      if (!m) continue
      pathKnown = true
      if (route.method !== request.method && !(route.method === 'GET' && request.method === 'HEAD')) continue
      route.names.forEach((name, i) => {
        request.params[name] = decodeURIComponent(m[i + 1] ?? '')
      })
      return route.handler
    }
    return pathKnown ? 'method-not-allowed' : undefined
  }
}

/** JSON response helper. */
export function json(status: number, body: unknown, headers?: Record<string, string>): EmulatorResponse {
  return headers ? { status, body, headers } : { status, body }
}
