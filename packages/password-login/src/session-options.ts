import type { SessionOptions } from '@authmux/core'
import type { PasswordLoginConfig } from './types'

/** The config keys that describe the flow; everything else is a `SessionOptions` field passed to the engine. */
const FLOW_KEYS = [
  'name',
  'packageName',
  'baseURL',
  'authOrigins',
  'email',
  'password',
  'encodePassword',
  'otp',
  'authHeaders',
  'requestHeaders',
  'extraCookies',
  'login',
  'otpStep',
  'tokens',
  'refresh',
  'logoutStep',
  'attach',
  'credentialHeaders',
  'defaultRefreshWindow',
  'toError',
  'otpHelp',
  'credentialsHelp',
] as const satisfies ReadonlyArray<keyof PasswordLoginConfig>

/** Splits the engine's options off a config object (so secrets in the config never reach the engine's options). */
export function sessionOptionsOf(config: Record<string, unknown>, extraFlowKeys: readonly string[] = []): SessionOptions {
  const options: Record<string, unknown> = {}
  const skip = new Set<string>([...FLOW_KEYS, ...extraFlowKeys])
  for (const [key, value] of Object.entries(config)) {
    if (!skip.has(key) && value !== undefined) options[key] = value
  }
  return options as SessionOptions
}
