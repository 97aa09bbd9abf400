import { pathBelow } from '@authmux/core/provider'

/** Route prefixes (below `/api/v1`) that TradeReady serves to a JWT; everything else takes `X-API-Key`. */
const TRADEREADY_JWT_ROUTE = /^\/(agents|battles)(\/|$)/i

/** Whether `url` is a JWT route (`/agents`, `/battles` and below) of the API at `base`. */
export function isTradeReadyJwtRoute(base: URL, url: URL): boolean {
  return TRADEREADY_JWT_ROUTE.test(pathBelow(base, url) ?? '')
}
