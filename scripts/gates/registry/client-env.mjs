// The environment every npm/pnpm/changesets process of the registry gate runs with: the loopback registry and a
// throw-away auth token for it, from a user config of the gate's own, so that nothing can reach the public registry
// with a real token (a maintainer's ~/.npmrc, NPM_TOKEN or NODE_AUTH_TOKEN are not passed on) and nothing asks for
// provenance (that needs the CI host's OIDC token).
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Not a secret: Verdaccio (publish: $all) accepts any token; npm only refuses to publish without one. */
const FAKE_TOKEN = 'authmux-registry-gate-not-a-secret'

/** Kept between runs so third-party tarballs (zod, jose, ofetch, @types/node …) come from disk after the first run. */
const NPM_CACHE = join(tmpdir(), 'authmux-registry-gate-npm-cache')

const DROPPED = /^(npm_config_|npm_package_|npm_lifecycle_|pnpm_config_)|^(NPM_TOKEN|NODE_AUTH_TOKEN|NPM_CONFIG_.*)$/i

/** Writes `dir/npmrc` and returns the env for child processes that talk to `registryUrl`. */
export function clientEnv({ registryUrl, dir }) {
  mkdirSync(NPM_CACHE, { recursive: true })
  const userconfig = join(dir, 'npmrc')
  const host = registryUrl.replace(/^https?:/, '')
  writeFileSync(userconfig, `registry=${registryUrl}\n${host}:_authToken=${FAKE_TOKEN}\n`)
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !DROPPED.test(name)))
  return {
    ...env,
    npm_config_userconfig: userconfig,
    npm_config_registry: registryUrl,
    npm_config_cache: NPM_CACHE,
    npm_config_prefer_online: 'true',
    npm_config_provenance: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  }
}

/** The `.npmrc` of a fresh consumer project: only the registry (installs need no token). */
export const projectNpmrc = (registryUrl) => `registry=${registryUrl}\n`
