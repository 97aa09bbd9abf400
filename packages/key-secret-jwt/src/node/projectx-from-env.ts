import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError, readEnv } from '@authmux/core'
import { optionOrEnv } from '@authmux/core/provider'
import { z } from 'zod'
import { PACKAGE_NAME } from '../package-name'
import { type ProjectXAuth, type ProjectXAuthOptions, createProjectXAuth as createBase } from '../presets/projectx/auth'
import { parseDotEnv } from './dotenv'
import { type ProjectXConfig, loadProjectXConfig } from './projectx-config'

/** Options of `createProjectXAuth.fromEnv()`: any preset option wins over the environment, plus where to look. */
export interface ProjectXFromEnvOptions extends ProjectXAuthOptions {
  /** Directory of `.env`, `projectx_config.json` and `.projectx_config.json`. Default `process.cwd()`. */
  cwd?: string
  /** Home directory for `~/.config/projectx/config.json`. Default `os.homedir()`. */
  homeDir?: string
  /** The `.env` file to read, or `false` for none. Default `<cwd>/.env` when it exists. */
  envFile?: string | false
  /** The config file to read, or `false` for none. Default: the first of the standard locations that exists. */
  configFile?: string | false
}

const apiKeySchema = z.string().min(11, 'must be longer than 10 characters')
const requiredString = z.string().trim().min(1, 'is required')

/**
 * Builds a ProjectX strategy from `PROJECT_X_API_KEY`, `PROJECT_X_USERNAME`, `PROJECT_X_ACCOUNT_NAME` (the
 * environment wins over `.env`), the ProjectX config file and its `PROJECTX_*` overrides. `env` is the environment
 * to read (default `process.env`; `false`: none, only the files). Node only.
 */
export function projectXFromEnv(overrides: ProjectXFromEnvOptions = {}): ProjectXAuth {
  const { cwd, homeDir, envFile, configFile, env, ...options } = overrides
  const environment = env === false ? {} : (env ?? process.env)
  const fileEnv = readDotEnv(envFile === false ? undefined : (envFile ?? resolve(cwd ?? process.cwd(), '.env')), envFile !== undefined)
  // The environment wins over .env; both are read by core's rule (trimmed, blank = unset).
  const getEnv = (name: string): string | undefined => readEnv(name, environment) ?? readEnv(name, fileEnv)

  // An option given (not blank) wins; the preset checks it further.
  const given = (value: string | undefined, field: string) => optionOrEnv(value, { field, env: false, provider: 'projectx', packageName: PACKAGE_NAME })
  const apiKey = given(options.apiKey, 'apiKey') ?? check('PROJECT_X_API_KEY', getEnv('PROJECT_X_API_KEY'), apiKeySchema, 'apiKey')
  const username = given(options.username, 'username') ?? check('PROJECT_X_USERNAME', getEnv('PROJECT_X_USERNAME'), requiredString, 'username')
  const accountName = given(options.accountName, 'accountName') ?? getEnv('PROJECT_X_ACCOUNT_NAME')
  const config: ProjectXConfig = loadProjectXConfig({
    ...(cwd !== undefined ? { cwd } : {}),
    ...(homeDir !== undefined ? { homeDir } : {}),
    ...(configFile !== undefined ? { configFile } : {}),
    getEnv,
  })

  // Every variable the preset reads is resolved here (environment, then .env), so the preset reads none itself.
  const resolved: ProjectXAuthOptions = { ...options, apiKey, username, env: false }
  if (accountName !== undefined) resolved.accountName = accountName
  if (resolved.baseURL === undefined && config.apiUrl !== undefined) resolved.baseURL = config.apiUrl
  if (resolved.timeoutMs === undefined && config.timeoutSeconds !== undefined) resolved.timeoutMs = config.timeoutSeconds * 1000
  if (resolved.retry === undefined && (config.retryAttempts !== undefined || config.retryDelaySeconds !== undefined)) {
    resolved.retry = {
      ...(config.retryAttempts !== undefined ? { maxRetries: config.retryAttempts } : {}),
      ...(config.retryDelaySeconds !== undefined ? { baseDelayMs: config.retryDelaySeconds * 1000 } : {}),
    }
  }
  return createBase(resolved)
}

function check(name: string, value: string | undefined, schema: z.ZodType<string>, field: string): string {
  const parsed = schema.safeParse(value ?? '')
  if (parsed.success) return parsed.data
  const reason = value === undefined ? 'is not set' : (parsed.error.issues[0]?.message ?? 'is invalid')
  throw new ConfigError(`${PACKAGE_NAME}: ${name} ${reason} — set it in the environment or in .env, or pass { ${field} } to fromEnv().`, {
    provider: 'projectx',
    field: name,
  })
}

function readDotEnv(file: string | undefined, explicit: boolean): Record<string, string> {
  if (!file) return {}
  if (!existsSync(file)) {
    if (!explicit) return {}
    throw new ConfigError(`${PACKAGE_NAME}: envFile ${file} does not exist — fix the path or leave envFile out.`, { provider: 'projectx', field: 'envFile' })
  }
  return parseDotEnv(readFileSync(file, 'utf8'))
}
