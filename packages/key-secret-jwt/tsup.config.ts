import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// The main entry stays Web-API-only; `./node` adds fromEnv (files, .env, config file).
export default defineConfig({ ...packageBuild, entry: ['src/index.ts', 'src/node.ts'] })
