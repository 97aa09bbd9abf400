// Test-only setup file: captures console output of every core test file and fails the file if a canary leaked.
import { afterAll, expect } from 'vitest'
import { CANARY_MARKERS } from './canaries'

const captured: string[] = []
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console)
  console[method] = (...args: unknown[]) => {
    captured.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '))
    original(...args)
  }
}

afterAll(() => {
  const output = captured.join('\n')
  for (const marker of CANARY_MARKERS) expect(output, `console output leaked ${marker.slice(0, 6)}…`).not.toContain(marker)
})
