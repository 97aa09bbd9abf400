import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory holding the bundled child scripts (`writer.mjs`, `locker.mjs`). */
    storeFileChildren: string
  }
}

const here = fileURLToPath(new URL('.', import.meta.url))
/** Core's sources, as in vitest.config.ts (the directory: its index.ts and envelope.ts are the two entries). */
const CORE_SOURCES = fileURLToPath(new URL('../../../core/src', import.meta.url))

/** Bundles the child-process scripts once (plain Node can't run the TypeScript sources). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outdir = await mkdtemp(join(tmpdir(), 'authmux-store-file-children-'))
  await build({
    entryPoints: { writer: join(here, 'writer.child.ts'), locker: join(here, 'locker.child.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: { '@authmux/core': CORE_SOURCES },
    logLevel: 'error',
  })
  project.provide('storeFileChildren', outdir)
  return () => rm(outdir, { recursive: true, force: true })
}
