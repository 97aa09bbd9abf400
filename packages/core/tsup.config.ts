import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// `./envelope` (the stores' encryption format) is its own entry, so strategy-only users never load it. Splitting is on
// for CJS too: both entries share one copy of the error classes, so `instanceof` holds across them.
export default defineConfig({ ...packageBuild, entry: ['src/index.ts', 'src/envelope.ts'], splitting: true })
