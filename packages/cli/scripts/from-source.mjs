#!/usr/bin/env node
// `pnpm authmux …` from a clone of the repository: builds the CLI and the packages it imports when their build is
// missing or older than their sources (quietly; turbo's output only when the build fails), then runs the command.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
/** The CLI and every workspace package it imports (its `dependencies`). */
const PACKAGES = ['core', 'bearer', 'key-secret-jwt', 'api-key-refresh', 'password-login', 'store-file', 'cli']

/** Modification time in ms, 0 when the file is missing. */
function mtime(path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

/** Newest modification time of the non-test files under `dir`. */
function newest(dir) {
  let found = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found = Math.max(found, newest(path))
    else if (!entry.name.endsWith('.test.ts')) found = Math.max(found, mtime(path))
  }
  return found
}

function isBuilt(name) {
  const dir = join(root, 'packages', name)
  const built = Math.min(mtime(join(dir, 'dist/index.js')), name === 'cli' ? mtime(join(dir, 'dist/bin.js')) : Infinity)
  return built > 0 && built >= Math.max(newest(join(dir, 'src')), mtime(join(dir, 'package.json')), mtime(join(dir, 'tsup.config.ts')))
}

if (!PACKAGES.every(isBuilt)) {
  process.stderr.write('authmux: building the CLI and the packages it uses (once; later runs start at once) …\n')
  const turbo = ['exec', 'turbo', 'run', 'build', '--filter=@authmux/cli...', '--output-logs=errors-only']
  const build = spawnSync('pnpm', turbo, { cwd: root, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } })
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}authmux: the build failed (above); fix it, or run \`pnpm build\` to see every step.\n`)
    process.exit(1)
  }
}
await import(pathToFileURL(join(root, 'packages/cli/dist/bin.js')).href)
