export type {
  AuthEvent,
  AuthEventMap,
  AuthEventName,
  AuthLogger,
  AuthState,
  AuthStatus,
  AuthStrategy,
  FleetLoginQuota,
  LoginLimitOptions,
  QuotaSlot,
  QuotaSlotRequest,
  RefreshWindow,
  RequestInfo,
  RetryOptions,
  SessionOptions,
  TokenSet,
  TokenStore,
  TokenStoreChange,
} from './types'
export type { AuthFlow, FlowContext, FlowRejectedResponse, FlowRequest, FlowResponse, OutgoingRequest } from './flow'
export {
  AuthError,
  ConfigError,
  InsecureTransportError,
  InvalidCredentialsError,
  NetworkError,
  OtpRequiredError,
  ProviderError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
  TokenExpiredError,
  AUTH_ERROR_CODES,
  isRejection,
  type AuthErrorCode,
  type AuthErrorOptions,
} from './errors'
export { createSession, DEFAULT_REQUEST_TIMEOUT_MS, type Session } from './session'
export type { RefreshThrottleOptions } from './refresh-throttle'
export { isHeaderSafe } from './token-check'
export { createAuthFetch } from './auth-fetch'
export type { AuthFetch, AuthFetchBody, AuthFetchOptions, AuthFetchResponse, AuthFetchResponseType } from './fetch-types'
export { composeAuth, type ComposedAuth } from './compose'
export { MemoryTokenStore } from './memory-store'
export { createKeyedMutex, type KeyedMutex } from './keyed-mutex'
export { decodeJwtExpiry, resolveExpiry, type ExpiryInput } from './expiry'
export { parseSetCookies, serializeCookies } from './cookies'
export { fingerprint } from './fingerprint'
export { readEnv, type EnvSource } from './env'
export { assertSecureBaseURL, isLoopbackHost } from './secure-url'
export { refreshScheduler, type SharedScheduler } from './schedule'
export { retryAfterMs } from './transport'
export { StoreError, type StoreErrorCode, type StoreErrorOptions } from './store-error'
export {
  connectWebSocket,
  type AuthWebSocket,
  type AuthWebSocketEventMap,
  type AuthWebSocketState,
  type ConnectWebSocketOptions,
  type ReconnectOptions,
} from './websocket'
export type { WebSocketConstructor } from './websocket-runtime'
export type { StreamAuth, StreamUpgrade } from './stream-auth'
