import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError } from '@authmux/core'
import { z } from 'zod'
import { PACKAGE_NAME } from '../package-name'

/** The ProjectX SDK config file (JSON, snake_case keys), as read by project-x-py. */
export interface ProjectXConfig {
  apiUrl?: string
  realtimeUrl?: string
  userHubUrl?: string
  marketHubUrl?: string
  timezone?: string
  timeoutSeconds?: number
  retryAttempts?: number
  retryDelaySeconds?: number
  requestsPerMinute?: number
  burstLimit?: number
  /** The file the values came from, if any. */
  source?: string
}

/** One config key: its file name, its `PROJECTX_*` override and its schema. */
const FIELDS = {
  apiUrl: { file: 'api_url', env: 'PROJECTX_API_URL', schema: z.url({ protocol: /^https?$/ }) },
  realtimeUrl: { file: 'realtime_url', env: 'PROJECTX_REALTIME_URL', schema: z.url() },
  userHubUrl: { file: 'user_hub_url', env: 'PROJECTX_USER_HUB_URL', schema: z.url() },
  marketHubUrl: { file: 'market_hub_url', env: 'PROJECTX_MARKET_HUB_URL', schema: z.url() },
  timezone: { file: 'timezone', env: 'PROJECTX_TIMEZONE', schema: z.string().min(1) },
  timeoutSeconds: { file: 'timeout_seconds', env: 'PROJECTX_TIMEOUT_SECONDS', schema: z.coerce.number().positive() },
  retryAttempts: { file: 'retry_attempts', env: 'PROJECTX_RETRY_ATTEMPTS', schema: z.coerce.number().int().min(0) },
  retryDelaySeconds: { file: 'retry_delay_seconds', env: 'PROJECTX_RETRY_DELAY_SECONDS', schema: z.coerce.number().min(0) },
  requestsPerMinute: { file: 'requests_per_minute', env: 'PROJECTX_REQUESTS_PER_MINUTE', schema: z.coerce.number().int().positive() },
  burstLimit: { file: 'burst_limit', env: 'PROJECTX_BURST_LIMIT', schema: z.coerce.number().int().positive() },
} as const

type Key = keyof typeof FIELDS

/** Where project-x-py looks for its config file, first match wins. */
export function projectXConfigPaths(options: { cwd?: string; homeDir?: string } = {}): string[] {
  const cwd = options.cwd ?? process.cwd()
  return [join(options.homeDir ?? homedir(), '.config', 'projectx', 'config.json'), resolve(cwd, 'projectx_config.json'), resolve(cwd, '.projectx_config.json')]
}

/**
 * Reads the ProjectX config file (first of `projectXConfigPaths()`, or `configFile`) and applies the `PROJECTX_*`
 * overrides from `getEnv`. Every value is validated; a bad one is a `ConfigError` naming the key or variable.
 */
export function loadProjectXConfig(options: {
  cwd?: string
  homeDir?: string
  /** An explicit file, or `false` to skip files. */
  configFile?: string | false
  getEnv?: (name: string) => string | undefined
}): ProjectXConfig {
  const config: ProjectXConfig = {}
  const file = options.configFile === false ? undefined : (options.configFile ?? projectXConfigPaths(options).find((p) => existsSync(p)))
  if (file) {
    const raw = readJson(file)
    for (const key of Object.keys(FIELDS) as Key[]) {
      const value = raw[FIELDS[key].file]
      if (value === undefined || value === null) continue
      assign(config, key, value, `"${FIELDS[key].file}" in ${file}`, `fix it in ${file}`)
    }
    config.source = file
  }
  for (const key of Object.keys(FIELDS) as Key[]) {
    const name = FIELDS[key].env
    const value = options.getEnv?.(name)
    if (value !== undefined) assign(config, key, value, name, `fix or unset ${name}`)
  }
  return config
}

function readJson(file: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError(`${PACKAGE_NAME}: the ProjectX config file ${file} is not valid JSON — fix it or remove it.`, {
      provider: 'projectx',
      field: file,
      cause: error,
    })
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${PACKAGE_NAME}: the ProjectX config file ${file} must hold a JSON object like {"api_url": "…"}.`, {
      provider: 'projectx',
      field: file,
    })
  }
  return parsed as Record<string, unknown>
}

function assign(config: ProjectXConfig, key: Key, value: unknown, field: string, fix: string): void {
  const parsed = FIELDS[key].schema.safeParse(value)
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? 'invalid value'
    throw new ConfigError(`${PACKAGE_NAME}: ProjectX config ${field} is invalid (${reason.toLowerCase()}) — ${fix}.`, {
      provider: 'projectx',
      field: field.startsWith('"') ? FIELDS[key].file : field,
    })
  }
  ;(config as Record<string, unknown>)[key] = parsed.data
}
