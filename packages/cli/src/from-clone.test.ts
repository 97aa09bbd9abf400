import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const pkgDir = fileURLToPath(new URL('..', import.meta.url))
const root = join(pkgDir, '../..')
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; files: string[] }

describe('running the CLI from a clone', () => {
  it('the bin is a committed file (so `pnpm install` can link it before any build), published with the package', () => {
    const bin = pkg.bin.authmux!
    expect(bin.startsWith('./dist/')).toBe(false)
    expect(existsSync(join(pkgDir, bin))).toBe(true)
    expect(statSync(join(pkgDir, bin)).mode & 0o111).not.toBe(0)
    expect(pkg.files).toContain(bin.replace(/^\.\//, '').split('/')[0])
    // The root has `pnpm authmux …` (build if needed, then run) and links the bin at install time.
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    for (const name of ['authmux', 'prepare']) {
      const file = /^node (\S+\.mjs)$/.exec(scripts[name] ?? '')?.[1]
      expect(file && existsSync(join(root, file)), `root script "${name}"`).toBe(true)
    }
  })

  it('the bin runs the built command; before a build it says how to build (exit 1)', () => {
    const built = spawnSync(process.execPath, [join(pkgDir, pkg.bin.authmux!), '--version'], { encoding: 'utf8' })
    expect(built.stdout).toBe(`${pkg.version}\n`)
    expect(built.status).toBe(0)
    const bare = mkdtempSync(join(tmpdir(), 'authmux-unbuilt-'))
    try {
      mkdirSync(join(bare, 'bin'))
      writeFileSync(join(bare, 'package.json'), '{ "type": "module" }\n')
      copyFileSync(join(pkgDir, pkg.bin.authmux!), join(bare, 'bin/authmux.js'))
      const unbuilt = spawnSync(process.execPath, [join(bare, 'bin/authmux.js'), '--version'], { encoding: 'utf8' })
      expect(unbuilt.status).toBe(1)
      expect(unbuilt.stderr).toContain('the command is not built yet — run `pnpm authmux …` from the repository root')
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
  })

  it('the README says how to run it from a clone', () => {
    expect(readFileSync(join(pkgDir, 'README.md'), 'utf8')).toContain('`pnpm authmux …` at the root builds the CLI')
    expect(execFileSync(process.execPath, ['--check', join(root, 'packages/cli/scripts/from-source.mjs')]).toString()).toBe('')
  })
})
