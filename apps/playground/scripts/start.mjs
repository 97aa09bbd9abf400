#!/usr/bin/env node
// `pnpm start`: builds the workspace packages the playground imports (turbo, cached after the first run; its
// output goes to stderr so `--json` keeps stdout clean), then runs src/main.ts with tsx.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const app = join(dirname(fileURLToPath(import.meta.url)), '..')
const root = join(app, '..', '..')
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)

const build = spawnSync(bin('turbo'), ['run', 'build', '--filter=@authmux/playground^...', '--output-logs=errors-only'], {
  cwd: root,
  stdio: ['ignore', process.stderr, process.stderr],
  env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env },
})
if (build.status !== 0) {
  process.stderr.write('playground: building the workspace packages failed (see above); run `pnpm build` for details.\n')
  process.exit(build.status ?? 1)
}

// `pnpm start -- --json` may pass the `--` through.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'))
const run = spawnSync(process.execPath, ['--import', 'tsx', join(app, 'src', 'main.ts'), ...args], {
  cwd: app,
  stdio: 'inherit',
})
process.exit(run.status ?? (run.signal ? 1 : 0))
