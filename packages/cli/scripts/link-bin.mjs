#!/usr/bin/env node
// Links the `authmux` command into the repository root's node_modules/.bin (run by the root `prepare` script on
// `pnpm install`), so `pnpm exec authmux …` works at the root like in the packages that depend on the CLI. The link
// points at the committed bin/authmux.js, which runs the build output (and says how to build when there is none).
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const binDir = join(root, 'node_modules/.bin')
const link = join(binDir, 'authmux')
const target = relative(binDir, join(root, 'packages/cli/bin/authmux.js'))

if (process.platform !== 'win32') {
  let current
  try {
    current = readlinkSync(link)
  } catch {}
  if (current !== target) {
    mkdirSync(binDir, { recursive: true })
    rmSync(link, { force: true })
    symlinkSync(target, link)
  }
}
