import { ConfigError } from '@authmux/core'
import { PACKAGE_NAME } from './package-name'

/**
 * The package's `ConfigError`: `"@authmux/bearer: <text>"`, naming `field`. `provider` is left out for checks
 * that belong to no provider (the error then reports `'authmux'`).
 */
export function configError(text: string, field: string, provider?: string): ConfigError {
  return new ConfigError(`${PACKAGE_NAME}: ${text}`, { provider, field })
}

/** Names where a value comes from in messages: `text`, or `text or ENV` when an environment variable can supply it. */
export function orEnv(text: string, envName: string | undefined): string {
  return envName ? `${text} or ${envName}` : text
}
