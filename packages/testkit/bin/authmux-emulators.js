#!/usr/bin/env node
// The `authmux-emulators` command. This small file is committed, so installing the repository links the command even
// before anything is built; the command itself is the build output, dist/cli.js.
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write(
      '@authmux/testkit: authmux-emulators is not built yet — run `pnpm emulators` from the repository root (it builds first), or `pnpm build`.\n',
    )
    process.exit(1)
  }
  throw error
})
