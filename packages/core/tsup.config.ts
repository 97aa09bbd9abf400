import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// `./envelope` (the stores' encryption format) and `./provider` (what provider packages are written with) are their own
// entries, so strategy-only users never load them. Splitting is on for CJS too: every entry shares one copy of the
// error classes, so `instanceof` holds across them.
export default defineConfig({ ...packageBuild, entry: ['src/index.ts', 'src/envelope.ts', 'src/provider.ts'], splitting: true })
