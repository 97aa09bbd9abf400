import { describe, expect, it } from 'vitest'
import { codeIn, htmlToText, senderMatches } from './extract'
import { AXIOM_CODE_SENDER, DEFAULT_CODE_PATTERN, IMAP_ENV, resolveImapSettings, type FromImapOptions } from './options'

const required = { host: 'imap.example.com', user: 'me@example.com', password: 'pw-secret', env: false } as const
const configErrorOf = (options: FromImapOptions) => {
  try {
    resolveImapSettings(options)
  } catch (error) {
    return error as Error & { field?: string; code?: string }
  }
  throw new Error('expected a ConfigError')
}

describe('fromImap options', () => {
  it('defaults: TLS on 993, INBOX, Axiom sender, six digits, 120 s timeout, 5 s poll, 60 s lookback', () => {
    expect(resolveImapSettings(required)).toMatchObject({
      host: 'imap.example.com',
      port: 993,
      secure: true,
      cleartextAllowed: false,
      mailbox: 'INBOX',
      from: AXIOM_CODE_SENDER,
      timeoutMs: 120_000,
      pollIntervalMs: 5_000,
      lookbackMs: 60_000,
    })
    expect(resolveImapSettings({ ...required, port: 143 })).toMatchObject({ port: 143, secure: false })
    expect(resolveImapSettings({ ...required, secure: false })).toMatchObject({ port: 143, secure: false })
  })

  it('reads every AUTHMUX_IMAP_* variable; the password is kept exactly as given', () => {
    const env = {
      [IMAP_ENV.host]: ' imap.env.example ',
      [IMAP_ENV.port]: '1143',
      [IMAP_ENV.user]: 'env-user',
      [IMAP_ENV.password]: '  spaced pass  ',
      [IMAP_ENV.mailbox]: 'Codes',
      [IMAP_ENV.secure]: 'false',
      [IMAP_ENV.from]: 'Login@Axiom.Trade',
    }
    const settings = resolveImapSettings({ env })
    expect(settings).toMatchObject({ host: 'imap.env.example', port: 1143, user: 'env-user', mailbox: 'Codes', secure: false, from: 'login@axiom.trade' })
    // optionOrEnv trims environment values; a password given as an option is kept as is.
    expect(resolveImapSettings({ ...required, password: '  spaced pass  ' }).password).toBe('  spaced pass  ')
    expect(resolveImapSettings({ env: { ...env, [IMAP_ENV.secure]: 'YES' } }).secure).toBe(true)
    // Options win over the environment.
    expect(resolveImapSettings({ env, host: 'imap.option.example', port: 993, secure: true }).host).toBe('imap.option.example')
  })

  it('a missing host, user or password is a ConfigError naming the option and its variable', () => {
    for (const field of ['host', 'user', 'password'] as const) {
      const error = configErrorOf({ ...required, [field]: undefined, env: {} })
      expect(error).toMatchObject({ name: 'ConfigError', code: 'CONFIG', field, provider: 'imap' })
      expect(error.message).toContain(`@authmux/password-login: ${field} is missing — pass { ${field} } or set ${IMAP_ENV[field]}.`)
    }
    // env: false reads nothing, so the variable is not offered as a fix.
    expect(configErrorOf({ host: 'h', user: 'u', env: false }).message).toContain('password is missing — pass { password }.')
  })

  it('bad values are ConfigErrors naming the option or variable and the fix', () => {
    expect(configErrorOf({ ...required, port: 0 })).toMatchObject({
      field: 'port',
      message: expect.stringContaining('port must be a TCP port from 1 to 65535'),
    })
    expect(configErrorOf({ ...required, env: { [IMAP_ENV.port]: 'imaps' } })).toMatchObject({
      field: 'port',
      message: expect.stringContaining('AUTHMUX_IMAP_PORT must be a TCP port'),
    })
    expect(configErrorOf({ ...required, env: { [IMAP_ENV.secure]: 'maybe' } }).message).toContain('AUTHMUX_IMAP_SECURE must be true')
    expect(configErrorOf({ ...required, secure: 'yes' as unknown as boolean }).field).toBe('secure')
    expect(configErrorOf({ ...required, timeoutMs: -1 }).message).toContain('timeoutMs must be a whole number of milliseconds from 1 to 2147483647')
    expect(configErrorOf({ ...required, pollIntervalMs: 1.5 }).field).toBe('pollIntervalMs')
    expect(configErrorOf({ ...required, lookbackMs: Number.NaN }).field).toBe('lookbackMs')
    expect(configErrorOf({ ...required, codePattern: '\\d{6}' as unknown as RegExp }).field).toBe('codePattern')
    expect(configErrorOf({ ...required, from: 42 as unknown as string }).field).toBe('from')
  })

  it('stateful RegExp flags (g, y) are dropped, so every search starts at the beginning', () => {
    const settings = resolveImapSettings({ ...required, codePattern: /(\d{4})/gy, from: /axiom/gi })
    expect(settings.codePattern.flags).toBe('')
    expect((settings.from as RegExp).flags).toBe('i')
  })
})

describe('finding the sender and the code', () => {
  it('matches a domain and its subdomains, an exact address, or a RegExp', () => {
    expect(senderMatches('noreply@axiom.trade', 'axiom.trade')).toBe(true)
    expect(senderMatches('NoReply@Mail.Axiom.Trade', 'axiom.trade')).toBe(true)
    expect(senderMatches('noreply@notaxiom.trade', 'axiom.trade')).toBe(false)
    expect(senderMatches('axiom.trade@evil.example', 'axiom.trade')).toBe(false)
    expect(senderMatches('codes@axiom.trade', 'codes@axiom.trade')).toBe(true)
    expect(senderMatches('other@axiom.trade', 'codes@axiom.trade')).toBe(false)
    expect(senderMatches('bot@vendor.example', /@vendor\.example$/)).toBe(true)
    expect(senderMatches(undefined, 'axiom.trade')).toBe(false)
  })

  it('takes six digits that are not part of a longer number, or the first capture group', () => {
    expect(codeIn('Order 1234567, code 654321.', DEFAULT_CODE_PATTERN)).toBe('654321')
    expect(codeIn('no code here 12345', DEFAULT_CODE_PATTERN)).toBeUndefined()
    expect(codeIn(undefined, DEFAULT_CODE_PATTERN)).toBeUndefined()
    expect(codeIn('code: XY12ZW', /code:\s*(\w{6})/)).toBe('XY12ZW')
  })

  it('turns HTML into its visible text', () => {
    expect(htmlToText('<head><title>111111</title></head><script>var a=222222</script><p>A&amp;B&nbsp;&lt;&#x41;&#66;&gt; &bogus;</p>')).toBe(
      ' A&B <AB> &bogus; ',
    )
  })
})
