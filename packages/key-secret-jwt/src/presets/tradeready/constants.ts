/** TradeReady's production API base. */
export const TRADEREADY_DEFAULT_BASE_URL = 'https://api.tradeready.io/api/v1'
export const TRADEREADY_API_KEY_ENV = 'TRADEREADY_API_KEY'
export const TRADEREADY_API_SECRET_ENV = 'TRADEREADY_API_SECRET'
export const TRADEREADY_AGENT_ID_ENV = 'TRADEREADY_AGENT_ID'
export const TRADEREADY_API_URL_ENV = 'TRADEREADY_API_URL'
/** TradeReady allows 5 logins per minute per IP; the client never attempts more than this. */
export const TRADEREADY_LOGIN_QUOTA_PER_MINUTE = 5
/** Subscriptions one TradeReady stream connection may hold (the server answers an 11th with `SUBSCRIPTION_LIMIT`). */
export const TRADEREADY_SUBSCRIPTION_LIMIT = 10
