// `@authmux/core/provider`: what a provider package is written with — the flow pattern, typed preset extras, the one
// option/env rule, and the shared checks (paths, headers, cookies, credential values). Apps using presets never need
// it; keeping it out of the main entry keeps the engine's bundle to the engine.
export { defineFlow, type DefinedFlow, type FlowFields, type FlowSpec } from './define-flow'
export { extendSession } from './extend-session'
export { optionOrEnv, readEnv, requireOption, type EnvSource, type OptionSpec } from './env'
export { isEndpoint, normalisePath, pathBelow } from './urls'
export { isValidHeaderName } from './headers'
export { assertHeaderSafeOption, isHeaderSafe } from './token-check'
export { parseSetCookies, serializeCookies } from './cookies'
export { credentialFingerprint } from './store-key'
export { fingerprint } from './fingerprint'
export { Listeners } from './listeners'
export { assertSecureBaseURL, isLoopbackHost } from './secure-url'
export { retryAfterMs } from './transport'
export { helperCall, redactError } from './redact-error'
