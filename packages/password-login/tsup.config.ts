import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// `./stream` (the Axiom preset with its realtime feed) is its own entry, so HTTP-only bots never load the stream code.
// Splitting is on for CJS too: both entries share one copy of the preset, so a session is the same kind from either.
export default defineConfig({ ...packageBuild, entry: ['src/index.ts', 'src/stream.ts'], splitting: true })
