import type { Session, SessionOptions } from '@authmux/core'
import type { TradeReadyRateLimit } from './rate-limit'
import { registerTradeReadyAccount } from './register'
import { buildTradeReadyAuth } from './session'

/** Options of `createTradeReadyAuth`. Every `SessionOptions` field is accepted too. */
export interface TradeReadyAuthOptions extends SessionOptions {
  /**
   * API key `ak_live_…`, sent as `X-API-Key` on trading, market, account and analytics routes. Default
   * `TRADEREADY_API_KEY`. Required unless `storeKey` names a stored session (session-only mode). Secret.
   */
  apiKey?: string
  /** API secret `sk_live_…`, exchanged with the key for a JWT used on `/agents/*` and `/battles/*`. Default `TRADEREADY_API_SECRET`. Secret. */
  apiSecret?: string
  /** Agent UUID sent as `X-Agent-Id`; it must belong to the account. */
  agentId?: string
  /** API base URL. Default `TRADEREADY_API_URL`, else `https://api.tradeready.io/api/v1`. */
  baseURL?: string
}

/** Email + password for `/auth/user-login`. */
export interface TradeReadyUserCredentials {
  email: string
  /** 8–72 characters. Secret. */
  password: string
}

/** A TradeReady strategy: the engine `Session` plus the last rate-limit headers and the user-login variant. */
export interface TradeReadyAuth extends Session {
  /** The last `X-RateLimit-*` values seen on a credentialed response, or undefined before the first. */
  readonly rateLimit: TradeReadyRateLimit | undefined
  /**
   * Signs in with email + password (`POST /auth/user-login`) instead of key + secret; later re-logins use these
   * credentials too. Resolves once the JWT is in place.
   */
  userLogin(credentials: TradeReadyUserCredentials): Promise<void>
}

/**
 * TradeReady (AgentExchange): `X-API-Key` on trading/market/account/analytics routes, a JWT from `/auth/login`
 * (key + secret) on `/agents/*` and `/battles/*`, chosen per route; `X-Agent-Id` when `agentId` is set.
 * With only `{ storeKey, store }` it uses (and can log out) a session saved earlier, sending its JWT on every route.
 */
export function createTradeReadyAuth(options: TradeReadyAuthOptions = {}): TradeReadyAuth {
  return buildTradeReadyAuth(options)
}

/** Creates a TradeReady account (`POST /auth/register`); see `registerTradeReadyAccount`. */
createTradeReadyAuth.register = registerTradeReadyAccount
