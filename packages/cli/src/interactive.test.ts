import { PassThrough } from 'node:stream'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulators, type Emulators } from '@authmux/testkit'
import { run } from './run'

let emu: Emulators
beforeAll(async () => {
  emu = await startEmulators()
})
afterAll(async () => {
  await emu.close()
})

/** A fake terminal: answers each prompt once it appears on stderr, the way a user types. */
function terminal(answers: [prompt: string, answer: () => string][]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} })
  const stderr = new PassThrough()
  const stdout = new PassThrough()
  let err = ''
  let out = ''
  let next = 0
  stdout.on('data', (d: Buffer) => (out += d.toString()))
  stderr.on('data', (d: Buffer) => {
    err += d.toString()
    const pending = answers[next]
    if (pending && err.includes(pending[0])) {
      next++
      setImmediate(() => stdin.write(`${pending[1]()}\r`))
    }
  })
  return { io: { stdin, stdout, stderr, env: {}, now: Date.now }, output: () => ({ out, err }) }
}

describe('authmux login on a terminal (in process, fake TTY)', () => {
  it('asks for the email (echoed), the password and the emailed code (hidden), then saves the session', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authmux-cli-tty-'))
    const { email, password } = emu.credentials.axiom
    const t = terminal([
      ['Axiom email: ', () => email],
      ['Axiom password: ', () => password],
      ['Axiom one-time code (emailed): ', () => emu.inbox.latestCode(email)!],
    ])
    const code = await run(['login', 'axiom', '--base-url', emu.urls.axiom, '--store-dir', dir], t.io)
    const { out, err } = t.output()
    expect(code).toBe(0)
    expect(out).toContain(`Logged in to Axiom Trade as ${email}`)
    expect(err).toContain('Axiom Trade has emailed you a one-time code.')
    expect(err).toContain(email) // visible input is echoed
    expect(err).not.toContain(password) // hidden input is not
    expect(err + out).not.toContain(emu.inbox.latestCode(email)!)
    await rm(dir, { recursive: true, force: true })
  })
})
