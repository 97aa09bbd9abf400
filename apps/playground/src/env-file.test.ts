import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readEnvFile } from './env-file'

describe('readEnvFile', () => {
  it('reads KEY=value lines with comments, export prefixes and quotes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-env-'))
    const path = join(dir, '.env')
    writeFileSync(path, ['# comment', '', 'export A=1', 'B = "two words"', "C='x=y'", 'D=plain # trailing', 'not a line'].join('\n'))
    expect(readEnvFile(path)).toEqual({ A: '1', B: 'two words', C: 'x=y', D: 'plain' })
    expect(readEnvFile(join(dir, 'missing.env'))).toBeUndefined()
  })
})
