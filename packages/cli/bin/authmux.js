#!/usr/bin/env node
// The `authmux` command. This small file is committed, so installing the repository links the command even before
// anything is built; the command itself is the build output, dist/bin.js.
import('../dist/bin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('@authmux/cli: the command is not built yet — run `pnpm authmux …` from the repository root (it builds first), or `pnpm build`.\n')
    process.exit(1)
  }
  throw error
})
