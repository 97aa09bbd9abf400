import { PassThrough } from 'node:stream'
import { beforeEach, describe, expect, it } from 'vitest'
import { COMMANDS } from './commands'
import { imapOtpSource } from './otp-imap-source'
import { OTP_SOURCES } from './otp-sources'
import { run } from './run'
import { useAxiomMailbox } from './test-support/axiom-mailbox'
import { CliSandbox } from './test-support/cli'

// In process (what the CLI's coverage is measured on): the Axiom emulator delivers each code email into a real
// Dovecot mailbox, and `authmux login axiom --otp-imap-*` reads it over IMAP. The mailbox password is a canary.
const AXIOM_PASSWORD = 'axiom-account-password-inproc'
const MAILBOX_PASSWORD = 'CANARY-inproc-mailbox-secret-91c2'
let box: CliSandbox

const mailbox = useAxiomMailbox({ user: 'bot@authmux.test', mailboxPassword: MAILBOX_PASSWORD, axiomPassword: AXIOM_PASSWORD })
beforeEach(async () => {
  mailbox.axiom.requests.clear()
  box = await CliSandbox.create()
  return () => box.dispose()
})

const imapFlags = () => [...mailbox.imapArgs(), '--otp-imap-insecure']

/** A fake terminal that answers each prompt once it appears on stderr. */
function terminal(answers: [prompt: string, answer: string][]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} })
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const seen = { out: '', err: '' }
  let next = 0
  stdout.on('data', (d: Buffer) => (seen.out += d.toString()))
  stderr.on('data', (d: Buffer) => {
    seen.err += d.toString()
    const pending = answers[next]
    if (pending && seen.err.includes(pending[0])) {
      next++
      setImmediate(() => stdin.write(`${pending[1]}\r`))
    }
  })
  return { io: { stdin, stdout, stderr, env: {}, now: Date.now }, seen }
}

describe('the IMAP one-time-code source of authmux login axiom', () => {
  it('is registered: its flags and help join login, completion offers them, other providers refuse them', async () => {
    expect(OTP_SOURCES).toContain(imapOtpSource)
    const login = COMMANDS.find((command) => command.name === 'login')!
    expect(Object.keys(login.options)).toEqual(expect.arrayContaining(['otp-imap-host', 'otp-imap-password-stdin', 'otp-imap-insecure']))
    expect(login.help).toContain('--otp-imap-host <host>')
    expect((await box.call(['completion', 'bash'])).stdout).toContain('--otp-imap-user')
    const foreign = await box.call(['login', 'tradeready', '--otp-imap-host', 'imap.example.com'])
    expect(foreign.code).toBe(2)
    expect(foreign.stderr).toContain('--otp-imap-host does not apply to tradeready')
  })

  it('reads the mailbox password as the stdin line after the Axiom password and takes the code from the mailbox', async () => {
    const result = await box.call([...mailbox.loginArgs(), ...imapFlags(), '--otp-imap-password-stdin'], { lines: [AXIOM_PASSWORD, MAILBOX_PASSWORD] })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Logged in to Axiom Trade as bot@authmux\.test/)
    expect(mailbox.loginSteps()).toEqual(['/login-password-v2 200', '/login-otp 200'])
    expect(await box.index()).toEqual([expect.objectContaining({ provider: 'axiom', storeKey: `axiom:${mailbox.server.user}` })])
    expect(box.leaks([MAILBOX_PASSWORD, AXIOM_PASSWORD, mailbox.axiom.inbox.messages.at(-1)!.code])).toEqual([])
  })

  it('is selected by AUTHMUX_IMAP_* alone (the CLI environment reaches fromImap, port included)', async () => {
    const env = {
      AUTHMUX_IMAP_HOST: mailbox.server.host,
      AUTHMUX_IMAP_PORT: String(mailbox.server.port),
      AUTHMUX_IMAP_SECURE: 'false',
      AUTHMUX_IMAP_USER: mailbox.server.user,
      AUTHMUX_IMAP_PASSWORD: MAILBOX_PASSWORD,
      AXIOM_PASSWORD,
    }
    const result = await box.call(['login', 'axiom', '--email', mailbox.server.user, '--base-url', mailbox.axiom.url], { env })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(mailbox.loginSteps()).toEqual(['/login-password-v2 200', '/login-otp 200'])
    expect(box.leaks([MAILBOX_PASSWORD, AXIOM_PASSWORD])).toEqual([])
  })

  it('on a terminal asks for the mailbox password hidden, after the Axiom password', async () => {
    const t = terminal([
      ['Axiom password: ', AXIOM_PASSWORD],
      ['Mailbox password: ', MAILBOX_PASSWORD],
    ])
    const code = await run([...mailbox.loginArgs(), ...imapFlags(), '--otp-imap-password-stdin', '--store-dir', box.dir], t.io)
    expect(t.seen.err).toContain('Mailbox password: ')
    expect(code).toBe(0)
    expect(t.seen.out).toMatch(/^Logged in to Axiom Trade as bot@authmux\.test/)
    expect(t.seen.err + t.seen.out).not.toContain(MAILBOX_PASSWORD)
    expect(mailbox.loginSteps()).toEqual(['/login-password-v2 200', '/login-otp 200'])
  })

  it('stdin ending before the mailbox password is a usage error before anything reaches Axiom', async () => {
    const result = await box.call([...mailbox.loginArgs(), ...imapFlags(), '--otp-imap-password-stdin'], { lines: [AXIOM_PASSWORD] })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('the mailbox password is missing: pass --otp-imap-password-stdin')
    expect(mailbox.loginSteps()).toEqual([])
  })

  it('checks the mailbox options when it opens: a bad AUTHMUX_IMAP_SECURE fails before the Axiom password is sent', async () => {
    const env = { AUTHMUX_IMAP_PASSWORD: MAILBOX_PASSWORD, AUTHMUX_IMAP_SECURE: 'maybe' }
    const result = await box.call([...mailbox.loginArgs(), ...imapFlags().filter((flag) => flag !== '--otp-imap-insecure')], { lines: [AXIOM_PASSWORD], env })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('AUTHMUX_IMAP_SECURE must be true (TLS, port 993) or false (STARTTLS, port 143)')
    expect(mailbox.loginSteps()).toEqual([])
    expect(box.leaks([MAILBOX_PASSWORD])).toEqual([])
  })

  it('stays out of the way of --otp-stdin: no mailbox flag, no AUTHMUX_IMAP_HOST → the code is read from stdin', async () => {
    const result = await box.call([...mailbox.loginArgs(), '--otp-stdin'], {
      lines: [AXIOM_PASSWORD],
      feed: async (stdin) => {
        const code = await mailbox.axiom.inbox.waitForCode(mailbox.server.user, { timeoutMs: 10_000 })
        stdin.write(`${code}\n`)
      },
    })
    expect(result.code).toBe(0)
    expect(mailbox.loginSteps()).toEqual(['/login-password-v2 200', '/login-otp 200'])
  })
})
