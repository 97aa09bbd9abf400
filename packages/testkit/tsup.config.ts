import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// The library (the shared package build, for Node), plus the `authmux-emulators` bin as a second, ESM-only entry.
export default defineConfig([
  { ...packageBuild, platform: 'node' },
  {
    ...packageBuild,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    treeshake: false,
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
])
