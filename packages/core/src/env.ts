import { ConfigError } from './errors'

/** Where presets read their environment variables: the process environment, a given map, or nothing (`false`). */
export type EnvSource = Record<string, string | undefined> | false | undefined

/** Reads an environment variable where one exists (Node, Bun, Deno with --allow-env); undefined elsewhere or when empty. */
export function readEnv(name: string, env?: EnvSource): string | undefined {
  if (env === false) return undefined
  const source = env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const value = source?.[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** How an option is read: its name, its environment variable, and who reports a problem. */
export interface OptionSpec {
  /** The option's name, as the user writes it: `apiKey`. */
  field: string
  /** The environment variable read when the option is not given: `TRADEREADY_API_KEY`. */
  envName?: string
  /** The environment to read (default: the process environment); `false` reads none. */
  env?: EnvSource
  provider: string
  packageName: string
  /**
   * Trim the value (default true). Blank values count as unset either way. Pass false for values where leading or
   * trailing spaces are meaningful (a password).
   */
  trim?: boolean
}

/**
 * The one rule every preset reads an option by: the option when given (trimmed unless `trim: false`), else the
 * environment variable (trimmed), else undefined. Blank counts as unset.
 */
export function optionOrEnv(value: string | undefined, spec: OptionSpec): string | undefined {
  if (value !== undefined && value.trim() !== '') return spec.trim === false ? value : value.trim()
  return spec.envName ? readEnv(spec.envName, spec.env) : undefined
}

/**
 * `optionOrEnv`, and a `ConfigError` naming the option, its environment variable and the fix when neither is set.
 * `hint` is appended (e.g. "Or pass { storeKey } to use a stored session.").
 */
export function requireOption(value: string | undefined, spec: OptionSpec & { hint?: string }): string {
  const resolved = optionOrEnv(value, spec)
  if (resolved !== undefined) return resolved
  const env = spec.envName && spec.env !== false ? ` or set ${spec.envName}` : ''
  throw new ConfigError(`${spec.packageName}: ${spec.field} is missing — pass { ${spec.field} }${env}.${spec.hint ? ` ${spec.hint}` : ''}`, {
    provider: spec.provider,
    field: spec.field,
  })
}
