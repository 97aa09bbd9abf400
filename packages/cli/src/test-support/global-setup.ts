import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const pkg = join(root, 'packages/cli')

/** Newest modification time (ms) of the CLI's non-test sources and build config. */
function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

function builtAt(path: string): number {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

/**
 * The e2e tests spawn the built bin (`node packages/cli/dist/bin.js`), which imports the built provider packages.
 * When the bin is missing or older than its sources, build it and its dependencies through turbo (`pnpm test`
 * builds everything first, so this is normally a no-op).
 */
export default function setup(): void {
  const bin = builtAt(join(pkg, 'dist/bin.js'))
  const deps = ['core', 'bearer', 'key-secret-jwt', 'api-key-refresh', 'password-login', 'store-file', 'testkit'].every(
    (name) => builtAt(join(root, 'packages', name, 'dist/index.js')) > 0,
  )
  if (deps && bin > 0 && bin >= Math.max(newestSource(join(pkg, 'src')), builtAt(join(pkg, 'tsup.config.ts')))) return
  const result = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@authmux/cli...', '--output-logs=errors-only'], { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`@authmux/cli tests: building the CLI and its dependencies failed:\n${result.stdout}\n${result.stderr}`)
  }
}
