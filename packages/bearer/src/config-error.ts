import { ConfigError } from '@authmux/core'
import { PACKAGE_NAME } from './package-name'

/**
 * The package's `ConfigError`: `"@authmux/bearer: <text>"`, naming `field`. `provider` is left out for checks
 * that belong to no provider (the error then reports `'authmux'`).
 */
export function configError(text: string, field: string, provider?: string): ConfigError {
  return new ConfigError(`${PACKAGE_NAME}: ${text}`, { provider, field })
}
