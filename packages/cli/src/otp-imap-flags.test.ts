import { parseArgs } from 'node:util'
import { fromImap } from '@authmux/password-login/imap'
import { describe, expect, it } from 'vitest'
import { OTP_IMAP_FLAGS, OTP_IMAP_HELP, otpImapOptions, type OtpImapInput } from './otp-imap-flags'

/** Parses `args` with the IMAP flags (plus --otp / --otp-stdin), then maps them; collects the secrets registered. */
async function parse(args: string[], env: Record<string, string | undefined> = {}, stdinLines: string[] = []) {
  const { values } = parseArgs({ args, options: { ...OTP_IMAP_FLAGS, otp: { type: 'string' }, 'otp-stdin': { type: 'boolean' } }, strict: true })
  const secrets: string[] = []
  const input: OtpImapInput = { flags: values, env, readPassword: async () => stdinLines.shift(), onSecret: (value) => secrets.push(value) }
  return { options: await otpImapOptions(input), secrets }
}
const usageError = (args: string[], env: Record<string, string | undefined> = {}) =>
  parse(args, env).then(
    () => {
      throw new Error('expected a UsageError')
    },
    (error: Error & { command?: string }) => error,
  )

describe('authmux login axiom --otp-imap-*', () => {
  it('maps every flag to fromImap options; the password comes from stdin and is registered as a secret', async () => {
    const { options, secrets } = await parse(
      [
        '--otp-imap-host',
        'imap.gmail.com',
        '--otp-imap-port',
        '993',
        '--otp-imap-user',
        'me@gmail.com',
        '--otp-imap-password-stdin',
        '--otp-imap-mailbox',
        'Axiom',
        '--otp-imap-from',
        'noreply@axiom.trade',
        '--otp-imap-timeout-seconds',
        '90',
        '--otp-imap-secure',
      ],
      {},
      [' app password '],
    )
    expect(options).toEqual({
      host: 'imap.gmail.com',
      port: 993,
      user: 'me@gmail.com',
      password: ' app password ',
      mailbox: 'Axiom',
      from: 'noreply@axiom.trade',
      timeoutMs: 90_000,
      secure: true,
      env: {},
    })
    expect(secrets).toEqual([' app password '])
    // fromImap accepts them as they are (no ConfigError).
    expect(fromImap(options)).toBeTypeOf('function')
  })

  it('AUTHMUX_IMAP_HOST alone turns it on; host, user and password come from the environment', async () => {
    const env = {
      AUTHMUX_IMAP_HOST: 'imap.example.com',
      AUTHMUX_IMAP_USER: 'bot@example.com',
      AUTHMUX_IMAP_PASSWORD: 'env-pass',
      AUTHMUX_IMAP_MAILBOX: 'Codes',
    }
    const { options, secrets } = await parse([], env)
    expect(options).toEqual({ host: 'imap.example.com', user: 'bot@example.com', password: 'env-pass', env })
    expect(secrets).toEqual(['env-pass'])
    // The other variables are read by fromImap itself, from the same environment.
    expect(fromImap(options)).toBeTypeOf('function')
  })

  it('is off without flags and without AUTHMUX_IMAP_HOST, and when --otp / --otp-stdin give the code', async () => {
    expect((await parse([])).options).toBeUndefined()
    expect((await parse(['--otp-stdin'], { AUTHMUX_IMAP_HOST: 'imap.example.com' })).options).toBeUndefined()
    expect((await parse(['--otp', '123456'], { AUTHMUX_IMAP_HOST: 'imap.example.com' })).options).toBeUndefined()
  })

  it('STARTTLS and the insecure opt-in', async () => {
    const base = ['--otp-imap-host', 'mail.example.com', '--otp-imap-user', 'u']
    const env = { AUTHMUX_IMAP_PASSWORD: 'p' }
    expect((await parse([...base, '--otp-imap-starttls'], env)).options).toMatchObject({ secure: false })
    expect((await parse([...base, '--otp-imap-starttls'], env)).options).not.toHaveProperty('allowInsecure')
    expect((await parse([...base, '--otp-imap-insecure'], env)).options).toMatchObject({ secure: false, allowInsecure: true })
  })

  it('mistakes are usage errors naming the flag, its variable and the fix', async () => {
    const env = { AUTHMUX_IMAP_PASSWORD: 'p' }
    expect((await usageError(['--otp-imap-user', 'u'], env)).message).toBe('the IMAP server is missing: pass --otp-imap-host <host> or set AUTHMUX_IMAP_HOST.')
    expect((await usageError(['--otp-imap-host', 'h'], env)).message).toBe(
      'the mailbox login is missing: pass --otp-imap-user <user> or set AUTHMUX_IMAP_USER.',
    )
    expect((await usageError(['--otp-imap-host', 'h', '--otp-imap-user', 'u'])).message).toBe(
      'the mailbox password is missing: pass --otp-imap-password-stdin (one line on stdin) or set AUTHMUX_IMAP_PASSWORD.',
    )
    expect((await usageError(['--otp-imap-host', 'h', '--otp-imap-user', 'u', '--otp-imap-password-stdin'])).message).toContain('password is missing')
    const withServer = ['--otp-imap-host', 'h', '--otp-imap-user', 'u']
    expect((await usageError([...withServer, '--otp-imap-port', '99999'], env)).message).toContain('--otp-imap-port must be a port')
    expect((await usageError([...withServer, '--otp-imap-timeout-seconds', '1.5'], env)).message).toContain('--otp-imap-timeout-seconds must be')
    expect((await usageError([...withServer, '--otp-imap-mailbox', ' '], env)).message).toBe('--otp-imap-mailbox is empty.')
    expect((await usageError([...withServer, '--otp-imap-secure', '--otp-imap-insecure'], env)).message).toBe(
      '--otp-imap-secure and --otp-imap-insecure contradict each other: use one of them.',
    )
    const both = await usageError(['--otp', '123456', '--otp-imap-host', 'h'], env)
    expect(both).toMatchObject({ name: 'UsageError', command: 'login', message: '--otp and --otp-imap-host both give the one-time code: use one of them.' })
  })

  it('every flag is in the help', () => {
    for (const flag of Object.keys(OTP_IMAP_FLAGS)) expect(OTP_IMAP_HELP).toContain(`--${flag}`)
  })
})
