import { type AddressInfo, createServer } from 'node:net'
import { inspect } from 'node:util'
import { startDovecot, type TestImapServer } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imapError } from './errors'
import { fromImap } from './from-imap'
import { resolveImapSettings } from './options'
import { codeMail, imapOptions, recordingLogger } from './test-support'

let server: TestImapServer
beforeAll(async () => {
  server = await startDovecot({ user: 'errors@authmux.test', password: 'right-password' })
}, 30_000)
afterAll(() => server?.stop())

/** Every form a canary could leak in: as is, base64 (AUTH LOGIN), AUTH PLAIN, URL- and JSON-encoded. */
function leaks(text: string, secret: string, user: string): string[] {
  const forms = [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(`\0${user}\0${secret}`).toString('base64'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ]
  return forms.filter((form) => text.includes(form))
}

/** Everything a user could print of an error: message, stack, JSON, inspect (cause chain included). */
const shown = (error: unknown) => [String(error), (error as Error).stack ?? '', JSON.stringify(error), inspect(error, { depth: 8 })].join('\n')

describe('fromImap errors: typed, with the fix, never the password', () => {
  it('a wrong IMAP password is an InvalidCredentialsError naming the user, the variables and the app-password fix; the canary appears nowhere', async () => {
    const canary = 'CANARY-imap-pass"w0rd\\ü'
    const logger = recordingLogger()
    const otp = fromImap({ ...imapOptions(server, server), password: canary, logger })
    const error = await otp().catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', provider: 'imap', providerCode: 'AUTHENTICATIONFAILED' })
    expect((error as Error).message).toBe(
      `@authmux/password-login: the IMAP server 127.0.0.1:${server.port} refused the login of errors@authmux.test (AUTHENTICATIONFAILED) — check the IMAP user and password (user / AUTHMUX_IMAP_USER, password / AUTHMUX_IMAP_PASSWORD); Gmail, Outlook, iCloud and Yahoo need an app password, not the account password.`,
    )
    expect(leaks(shown(error), canary, server.user)).toEqual([])
    expect(leaks(JSON.stringify(logger.lines), canary, server.user)).toEqual([])
    // The source itself shows nothing of its options.
    expect(leaks(`${inspect(otp, { showHidden: true, depth: 8 })}${JSON.stringify({ otp })}${String(otp)}`, canary, server.user)).toEqual([])
  })

  it('the password is scrubbed from a server answer that echoes it (cause included)', () => {
    const settings = resolveImapSettings({ host: 'imap.example.com', user: 'me@example.com', password: 'echoed-secret', env: false })
    const echoed = Object.assign(new Error('NO [ALERT] bad password echoed-secret'), { code: 'NO' })
    const error = imapError(echoed, settings, 'read')
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(leaks(shown(error), 'echoed-secret', 'me@example.com')).toEqual([])
    expect(inspect(error, { depth: 8 })).toContain('NO [ALERT] bad password [REDACTED]')
  })

  it('a mailbox that does not exist is a ConfigError on `mailbox`', async () => {
    const error = await fromImap({ ...imapOptions(server, server), mailbox: 'Axiom Codes' })().catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'ConfigError', code: 'CONFIG', field: 'mailbox' })
    expect((error as Error).message).toMatch(
      /^@authmux\/password-login: the IMAP mailbox "Axiom Codes" cannot be opened on 127\.0\.0\.1:\d+ \(.+\) — check mailbox/,
    )
  })

  it('a port nobody listens on is a NetworkError naming the server and the settings to check', async () => {
    const stopped = await startDovecot({ user: 'gone@authmux.test', password: 'gone-password' })
    await stopped.stop()
    const error = await fromImap({ ...imapOptions(stopped, stopped) })().catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR', provider: 'imap' })
    expect((error as Error).message).toBe(
      `@authmux/password-login: cannot connect to the IMAP server 127.0.0.1:${stopped.port} (ECONNREFUSED) — check host, port and secure (993 = TLS from the first byte, 143 = STARTTLS with secure: false).`,
    )
  })

  it('a server that accepts the connection but never greets is a TimeoutError within timeoutMs', async () => {
    const silent = createServer((socket) => socket.on('error', () => {}))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    try {
      const error = await fromImap({ host: '127.0.0.1', port, secure: false, user: 'u', password: 'p-secret', timeoutMs: 300, env: false })().catch(
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT', provider: 'imap' })
      expect((error as Error).message).toBe(
        `@authmux/password-login: the IMAP server 127.0.0.1:${port} did not answer in time (GREETING_TIMEOUT) — check host, port and secure (993 = TLS from the first byte, 143 = STARTTLS with secure: false).`,
      )
    } finally {
      silent.close()
    }
  })

  it('TLS to a cleartext port (secure: true by default) fails as a NetworkError, not a hang', async () => {
    const { secure: _plain, ...tlsByDefault } = imapOptions(server, server)
    const error = await fromImap(tlsByDefault)().catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect((error as Error).message).toContain(`cannot connect to the IMAP server 127.0.0.1:${server.port} (ERR_SSL_WRONG_VERSION_NUMBER)`)
  })

  it('a server without STARTTLS is refused for a non-loopback host unless allowInsecure is set (InsecureTransportError)', () => {
    const noStartTls = Object.assign(new Error('Server does not support STARTTLS'), { tlsFailed: true })
    const remote = resolveImapSettings({ host: 'imap.example.com', port: 143, user: 'me', password: 'pw-secret', env: false })
    expect(remote).toMatchObject({ secure: false, cleartextAllowed: false })
    const refused = imapError(noStartTls, remote, 'connect')
    expect(refused).toMatchObject({ name: 'InsecureTransportError', code: 'INSECURE_TRANSPORT' })
    expect(refused.message).toContain(
      'offers no STARTTLS, so the password would travel in clear text — use TLS (secure: true, port 993), or pass allowInsecure: true',
    )
    const optedIn = resolveImapSettings({ host: 'imap.example.com', port: 143, user: 'me', password: 'pw-secret', allowInsecure: true, env: false })
    expect(optedIn.cleartextAllowed).toBe(true)
    expect(resolveImapSettings({ host: 'localhost', port: 143, user: 'me', password: 'pw-secret', env: false }).cleartextAllowed).toBe(true)
  })

  it('the code itself is never logged', async () => {
    const mailbox = await server.addUser('logged@authmux.test', 'logged-password')
    await mailbox.deliver(codeMail(mailbox, '975310'))
    const logger = recordingLogger()
    expect(await fromImap({ ...imapOptions(server, mailbox), logger })()).toBe('975310')
    expect(logger.lines.length).toBeGreaterThan(0)
    expect(JSON.stringify(logger.lines)).not.toContain('975310')
  })
})
