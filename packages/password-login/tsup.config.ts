import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// `./stream` (the Axiom preset with its realtime feed) and `./imap` (codes from a mailbox, on the optional peer imapflow)
// are their own entries, so HTTP-only bots never load the stream code or imapflow.
// Splitting is on for CJS too: both entries share one copy of the preset, so a session is the same kind from either.
export default defineConfig({ ...packageBuild, entry: ['src/index.ts', 'src/stream.ts', 'src/imap.ts'], splitting: true })
