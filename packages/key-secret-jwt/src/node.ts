/**
 * Node-only helpers (`node:fs`, `node:os`): `createProjectXAuth.fromEnv()` with `.env` and config-file support.
 * The main entry `@authmux/key-secret-jwt` stays Web-API-only for edge runtimes.
 */
import { type ProjectXAuth, type ProjectXAuthOptions, createProjectXAuth as createBase } from './presets/projectx/auth'
import { type ProjectXFromEnvOptions, projectXFromEnv } from './node/projectx-from-env'

export { parseDotEnv } from './node/dotenv'
export { loadProjectXConfig, projectXConfigPaths, type ProjectXConfig } from './node/projectx-config'
export { projectXFromEnv, type ProjectXFromEnvOptions } from './node/projectx-from-env'
export type { ProjectXAuth, ProjectXAuthOptions } from './presets/projectx/auth'

/** `createProjectXAuth` from the main entry, plus `createProjectXAuth.fromEnv(overrides?)`. */
export const createProjectXAuth: ((options?: ProjectXAuthOptions) => ProjectXAuth) & {
  /** Reads `PROJECT_X_*`, `.env`, the ProjectX config file and `PROJECTX_*` overrides; `overrides` win. */
  fromEnv(overrides?: ProjectXFromEnvOptions): ProjectXAuth
} = Object.assign((options?: ProjectXAuthOptions) => createBase(options), { fromEnv: projectXFromEnv })
