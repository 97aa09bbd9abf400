import type { Options } from 'tsup'

/** The build every authmux package shares: ESM + CJS + type declarations, ES2022, tree-shaken, with source maps. */
export const packageBuild = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
} satisfies Options
