import { fileURLToPath } from 'node:url'

const coreSource = (file: string) => fileURLToPath(new URL(`./packages/core/src/${file}`, import.meta.url))

/**
 * `resolve.alias` for every vitest project except core's own: `@authmux/core` and its sub-paths resolve to core's
 * sources (`src/index.ts`, `src/envelope.ts`, `src/provider.ts`), not to its last build, so editing core and running one
 * package's tests tests the edit — no `pnpm build` in between.
 *
 * It applies to every module vite loads, so the workspace packages a test imports from their `dist` (the testkit,
 * another provider) use the same copy of core as the test itself: one set of error classes, `instanceof` holds.
 * Child processes (the CLI's e2e tests, store-file's and store-redis's multi-process tests) run plain Node on built
 * files and are not affected: those still need `pnpm build` (which `pnpm test` runs first).
 */
export const coreSourceAlias: Array<{ find: RegExp; replacement: string }> = [
  { find: /^@authmux\/core$/, replacement: coreSource('index.ts') },
  { find: /^@authmux\/core\/envelope$/, replacement: coreSource('envelope.ts') },
  { find: /^@authmux\/core\/provider$/, replacement: coreSource('provider.ts') },
]
