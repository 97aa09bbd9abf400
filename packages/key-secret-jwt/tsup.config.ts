import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// The main entry stays Web-API-only; `./node` adds fromEnv (files, .env, config file); `./stream` is the TradeReady
// preset with its realtime stream, `./signalr` the ProjectX hubs on @microsoft/signalr (an optional peer: only that entry
// imports it) — their own entries, so HTTP-only bots never ship stream code.
export default defineConfig({ ...packageBuild, entry: ['src/index.ts', 'src/node.ts', 'src/stream.ts', 'src/signalr.ts'] })
