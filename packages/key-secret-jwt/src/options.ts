import { ConfigError, readEnv } from '@authmux/core'

export const PACKAGE_NAME = '@authmux/key-secret-jwt'

/** Picks an option, else an environment variable; trims; undefined when both are absent or blank. */
export function optionOrEnv(value: string | undefined, envName: string | undefined): string | undefined {
  const trimmed = value?.trim()
  if (trimmed) return trimmed
  return envName ? readEnv(envName) : undefined
}

/** Like `optionOrEnv`, but a missing value is a `ConfigError` naming the option and the variable. */
export function requireOption(value: string | undefined, field: string, context: { provider: string; envName?: string; hint?: string }): string {
  const resolved = optionOrEnv(value, context.envName)
  if (resolved) return resolved
  const where = context.envName ? `pass { ${field} } or set ${context.envName}` : `pass { ${field} }`
  throw new ConfigError(`${PACKAGE_NAME}: ${field} is missing — ${where}.${context.hint ? ` ${context.hint}` : ''}`, {
    provider: context.provider,
    field,
  })
}
