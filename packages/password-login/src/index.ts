export { createPasswordLoginAuth } from './auth'
export { PACKAGE_NAME } from './flow'
export { createPasswordLoginFlow } from './generic'
export type {
  AttachConfig,
  LoginBodyInput,
  LoginStepConfig,
  LogoutStepConfig,
  OtpBodyInput,
  OtpStepConfig,
  PasswordLoginConfig,
  RefreshSend,
  RefreshStepConfig,
  TokenLocation,
  TokenResponseConfig,
} from './types'
export { createAxiomAuth, AXIOM_HOSTS, AXIOM_REFRESH_BEFORE_EXPIRY_MS, AXIOM_WEB_ORIGIN } from './presets/axiom'
export type { AxiomAuth, AxiomAuthOptions } from './presets/axiom'
export { axiomPasswordHash, AXIOM_PASSWORD_ITERATIONS, AXIOM_PASSWORD_KEY_BYTES, AXIOM_PASSWORD_SALT_HEX } from './presets/axiom-password'
export { AxiomTurnstileRequiredError, AXIOM_TOKEN_IMPORT_HELP } from './presets/axiom-errors'
