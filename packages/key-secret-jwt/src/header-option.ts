import { assertHeaderSafeOption, type OptionSpec, optionOrEnv } from '@authmux/core/provider'

/**
 * An option that travels in an HTTP header (an API key, an agent id): core's `optionOrEnv`, then refused with a
 * `ConfigError` naming the option and its variable (never the value) when it cannot be sent as is.
 */
export function headerOption(value: string | undefined, spec: OptionSpec): string | undefined {
  const resolved = optionOrEnv(value, spec)
  return resolved === undefined ? undefined : assertHeaderSafeOption(resolved, spec)
}
