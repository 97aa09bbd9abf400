import { assertHeaderSafeOption, ConfigError, readEnv } from '@authmux/core'

export const PACKAGE_NAME = '@authmux/key-secret-jwt'

/** Picks an option, else an environment variable; trims; undefined when both are absent or blank. */
export function optionOrEnv(value: string | undefined, envName: string): string | undefined {
  return value?.trim() || readEnv(envName)
}

/**
 * Like `optionOrEnv`, but a missing value is a `ConfigError` naming the option and the variable. Every preset that
 * requires a credential also runs session-only with a `storeKey`, so the message says that too.
 */
export function requireOption(value: string | undefined, field: string, context: { provider: string; envName: string }): string {
  const resolved = optionOrEnv(value, context.envName)
  if (resolved) return resolved
  throw new ConfigError(`${PACKAGE_NAME}: ${field} is missing — pass { ${field} } or set ${context.envName}. Or pass { storeKey } to use a stored session.`, {
    provider: context.provider,
    field,
  })
}

/** A credential option (API key, secret): like `optionOrEnv`, and refused when it cannot travel in a header. */
export function credentialOption(value: string | undefined, field: string, context: { provider: string; envName: string }): string | undefined {
  const resolved = optionOrEnv(value, context.envName)
  return resolved === undefined
    ? undefined
    : assertHeaderSafeOption(resolved, { field, envName: context.envName, provider: context.provider, packageName: PACKAGE_NAME })
}

/** A required credential option: `requireOption`, and refused when it cannot travel in a header. */
export function requireCredential(value: string | undefined, field: string, context: { provider: string; envName: string }): string {
  return assertHeaderSafeOption(requireOption(value, field, context), {
    field,
    envName: context.envName,
    provider: context.provider,
    packageName: PACKAGE_NAME,
  })
}
