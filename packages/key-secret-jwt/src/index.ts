export { createKeySecretJwtAuth } from './auth'
export { createKeySecretJwtFlow } from './flow'
export type { KeySecretJwtConfig, RevalidateEndpoint, TokenAttachment, TokenFields } from './types'
export type { FieldSelector } from './fields'
export { OrderSubmissionUncertainError } from './errors'

export { createTradeReadyAuth, type TradeReadyAuth, type TradeReadyAuthOptions, type TradeReadyUserCredentials } from './presets/tradeready/auth'
export { registerTradeReadyAccount, type TradeReadyRegisterOptions, type TradeReadyRegistration } from './presets/tradeready/register'
export type { TradeReadyRateLimit } from './presets/tradeready/rate-limit'
export { tradeReadyError } from './presets/tradeready/errors'
export { TRADEREADY_DEFAULT_BASE_URL } from './presets/tradeready/constants'

export { createProjectXAuth, type ProjectXAuth, type ProjectXAuthOptions } from './presets/projectx/auth'
export { PROJECTX_DEFAULT_BASE_URL, PROJECTX_LOGIN_ERROR_CODES, PROJECTX_VALIDATE_ERROR_CODES } from './presets/projectx/constants'
