import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const dir = fileURLToPath(new URL('.', import.meta.url))
const shipped = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))

describe('core ships Web APIs only', () => {
  it.each(shipped)('%s imports no node: module and uses no Node globals', (file) => {
    const source = readFileSync(`${dir}/${file}`, 'utf8')
    expect(source).not.toMatch(/from ['"]node:/)
    expect(source).not.toMatch(/\bBuffer\./)
    expect(source).not.toMatch(/\bprocess\.env\b/)
  })
})
