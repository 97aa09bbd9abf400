import { pathBelowBase } from '../../paths'

/** Route prefixes (below `/api/v1`) that TradeReady serves to a JWT; everything else takes `X-API-Key`. */
export const TRADEREADY_JWT_ROUTES = ['/agents', '/battles'] as const

/** Whether `url` is a JWT route (`/agents/*`, `/battles/*`) of the API at `baseURL`. */
export function isTradeReadyJwtRoute(url: URL, baseURL: URL): boolean {
  const path = pathBelowBase(url, baseURL)?.toLowerCase()
  if (path === undefined) return false
  return TRADEREADY_JWT_ROUTES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
}
