import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = new URL('.', import.meta.url).pathname

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

describe('the main entry stays Web-API-only', () => {
  it('imports no node: module outside the ./node entry (edge runtimes)', () => {
    const mainFiles = sources(SRC)
      .map((p) => relative(SRC, p))
      .filter((p) => !p.endsWith('.test.ts') && p !== 'test-support.ts' && p !== 'node.ts' && !p.startsWith('node/'))
    expect(mainFiles).toContain('index.ts')
    for (const file of mainFiles) {
      const text = readFileSync(join(SRC, file), 'utf8')
      expect(text, file).not.toMatch(/from ['"]node:|require\(|from ['"](fs|os|path|crypto|http)['"]|process\.(env|cwd)/)
      expect(text, file).not.toMatch(/from ['"]\.\.?\/(node|\.\.\/node)\//)
    }
  })
})
