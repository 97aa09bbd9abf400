export { createBearerAuth, type BearerAuth, type BearerAuthOptions } from './bearer-auth'
export { KeyRejectedError } from './errors'
export { computeWebhookSignature, verifyWebhookSignature, type VerifyWebhookSignatureInput } from './webhook'
export { createAionMarketAuth, type AionMarketAuth } from './aionmarket/auth'
export { AIONMARKET_DEFAULT_BASE_URL, type AionMarketAuthOptions } from './aionmarket/options'
export {
  STORE_KEY_NOTICE,
  type AgentProfile,
  type ApiKeyInfo,
  type CreatedApiKey,
  type RegisteredAgent,
} from './aionmarket/management'
export { createKeyRing, type KeyRing, type KeyRingOptions, type RotatedKey } from './aionmarket/key-ring'
