import type { AuthLogger } from './types'

/** Environment variables as the switch reads them. */
type DebugEnv = Record<string, string | undefined>

/**
 * `DEBUG` and `AUTHMUX_DEBUG` from the process environment, where one exists (Node, Bun, Deno with `--allow-env`).
 * Browsers, workers and edge runtimes have none; Deno without the permission throws on access. Either way: undefined.
 */
function processDebugEnv(): DebugEnv | undefined {
  try {
    const env = (globalThis as { process?: { env?: DebugEnv } }).process?.env
    return env ? { DEBUG: env.DEBUG, AUTHMUX_DEBUG: env.AUTHMUX_DEBUG } : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether debug logging is on for `provider`: `AUTHMUX_DEBUG=1` (or `true`, `yes`, `on`, `*`) for every provider,
 * `AUTHMUX_DEBUG=tradeready,axiom` for some, anything else (`0`) for none; without it, `DEBUG` patterns over the
 * namespace `authmux:<provider>` (`DEBUG=authmux:*`, `DEBUG=authmux:tradeready`, `DEBUG=*,-authmux:axiom`): `*`
 * matches any run of characters and an excluding `-pattern` wins, as in the `debug` package.
 */
export function isDebugEnabled(provider: string, env: DebugEnv): boolean {
  const flag = env.AUTHMUX_DEBUG?.trim()
  if (flag) return /^(1|true|yes|on|\*)$/i.test(flag) || flag.split(/[\s,]+/).includes(provider)
  let enabled = false
  for (const pattern of (env.DEBUG ?? '').split(/[\s,]+/)) {
    const exclude = pattern.startsWith('-')
    const glob = exclude ? pattern.slice(1) : pattern
    if (!glob || !new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(`authmux:${provider}`)) continue
    if (exclude) return false
    enabled = true
  }
  return enabled
}

/**
 * The logger a session uses when no `logger` option is given and the environment switch is on for its provider:
 * one line per call on stderr (`console.error`), `<ISO time> authmux:<provider> <level> <message> <data as JSON>`.
 * Lines reach it already redacted by the session's reporter, like those of any `logger`. Undefined when the switch
 * is off or there is no process environment.
 */
export function debugLoggerFromEnv(provider: string, env: DebugEnv | undefined = processDebugEnv()): AuthLogger | undefined {
  if (!env || !isDebugEnabled(provider, env)) return undefined
  const line =
    (level: keyof AuthLogger) =>
    (message: string, data?: Record<string, unknown>): void => {
      let fields = ''
      try {
        if (data && Object.keys(data).length > 0) fields = ` ${JSON.stringify(data)}`
      } catch {
        // unserialisable data: the message alone
      }
      console.error(`${new Date().toISOString()} authmux:${provider} ${level} ${message}${fields}`)
    }
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
}
