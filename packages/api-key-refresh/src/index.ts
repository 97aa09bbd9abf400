export { createApiKeyRefreshAuth, type ApiKeyRefreshAuth } from './auth'
export type { ApiKeyRefreshAuthOptions } from './options'
export {
  APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS,
  createApalaAuth,
  type ApalaAuth,
  type ApalaAuthOptions,
  type ApalaCompany,
} from './apala/auth'
