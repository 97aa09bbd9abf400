import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ask } from './prompt'
import { StdinLines } from './stdin-lines'
import { UsageError } from './errors'

function terminal() {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void }
  input.isTTY = true
  input.setRawMode = () => {}
  const output = new PassThrough()
  let written = ''
  output.on('data', (d: Buffer) => (written += d.toString()))
  return { input, output, written: () => written }
}

describe('ask (terminal prompt)', () => {
  it('does not echo a hidden answer, but shows the question', async () => {
    const t = terminal()
    const answer = ask('Axiom password: ', t, { hidden: true })
    t.input.write('hunter2-canary\r')
    await expect(answer).resolves.toBe('hunter2-canary')
    expect(t.written()).toContain('Axiom password: ')
    expect(t.written()).not.toContain('hunter2')
  })

  it('echoes a visible answer', async () => {
    const t = terminal()
    const answer = ask('Axiom email: ', t)
    t.input.write('me@example.com\r')
    await expect(answer).resolves.toBe('me@example.com')
    expect(t.written()).toContain('me@example.com')
  })

  it('Ctrl-C cancels with a usage error', async () => {
    const t = terminal()
    const answer = ask('Code: ', t, { hidden: true })
    t.input.write('\u0003')
    await expect(answer).rejects.toBeInstanceOf(UsageError)
  })
})

describe('StdinLines', () => {
  it('hands out lines on demand, including ones written later, then undefined at the end', async () => {
    const input = new PassThrough()
    const lines = new StdinLines(input)
    input.write('first\nsecond\n')
    await expect(lines.next()).resolves.toBe('first')
    await expect(lines.next()).resolves.toBe('second')
    const third = lines.next()
    input.end('third\n')
    await expect(third).resolves.toBe('third')
    await expect(lines.next()).resolves.toBeUndefined()
    lines.close()
  })
})
