import { ImapFlow } from 'imapflow'
import { startAxiomEmulator, startDovecot, type AxiomEmulator, type TestImapServer } from '@authmux/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CliSandbox } from './test-support/cli'

// The built `authmux` bin, no terminal, no --otp: the Axiom emulator emails its one-time code as a real message into
// a Dovecot Maildir, and the CLI reads it over IMAP (--otp-imap-*). The mailbox password is a canary.
const AXIOM_PASSWORD = 'axiom-account-password-e2e'
const MAILBOX_PASSWORD = 'CANARY-mailbox-app-password-7f3e'
let server: TestImapServer
let axiom: AxiomEmulator
let box: CliSandbox

beforeAll(async () => {
  server = await startDovecot({ user: 'trader@authmux.test', password: MAILBOX_PASSWORD })
  axiom = await startAxiomEmulator({ maildir: server.maildir, accounts: [{ email: server.user, password: AXIOM_PASSWORD }] })
}, 60_000)
afterAll(async () => {
  await axiom?.close()
  await server?.stop()
})
beforeEach(async () => {
  box = await CliSandbox.create()
  return () => box.dispose()
})

/** `authmux login axiom` with the Axiom password and then the mailbox password on stdin, the code from the mailbox. */
function loginFromMailbox(mailboxPassword: string) {
  const args = ['login', 'axiom', '--email', server.user, '--password-stdin', '--base-url', axiom.url]
  const imap = ['--otp-imap-host', server.host, '--otp-imap-port', String(server.port), '--otp-imap-user', server.user, '--otp-imap-password-stdin']
  return box.run([...args, ...imap, '--otp-imap-insecure', '--otp-imap-timeout-seconds', '10'], { lines: [AXIOM_PASSWORD, mailboxPassword] })
}

/** Where the emulator's login steps answered, in order: `/login-password-v2 200`, `/login-otp 200`, … */
const loginSteps = () =>
  axiom.requests
    .list()
    .filter((entry) => entry.path === '/login-password-v2' || entry.path === '/login-otp')
    .map((entry) => `${entry.path} ${entry.status}`)

/** Whether each code email in the INBOX is flagged read, oldest first (a separate IMAP client). */
async function seenFlags(): Promise<boolean[]> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user: server.user, pass: server.password }, logger: false })
  await client.connect()
  try {
    await client.mailboxOpen('INBOX')
    const messages = await client.fetchAll('1:*', { flags: true })
    return messages.map((message) => message.flags?.has('\\Seen') === true)
  } finally {
    await client.logout()
  }
}

describe('authmux login axiom --otp-imap-* (built bin, real IMAP server)', () => {
  it('logs in unattended: the code comes from the mailbox, no prompt, the session is stored, no secret printed', async () => {
    axiom.requests.clear()
    const mailsBefore = axiom.inbox.messages.length
    const result = await loginFromMailbox(MAILBOX_PASSWORD)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Logged in to Axiom Trade as trader@authmux\.test — token expires in 1[56]m/)
    // One code email, read over IMAP, accepted at once, and flagged read so no later login takes it again.
    expect(axiom.inbox.messages.length).toBe(mailsBefore + 1)
    expect(loginSteps()).toEqual(['/login-password-v2 200', '/login-otp 200'])
    expect((await seenFlags()).at(-1)).toBe(true)

    const status = await box.run(['status', '--json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ provider: 'axiom', account: server.user, state: 'valid', storeKey: `axiom:${server.user}` }),
    ])
    const tokens = await box.storedTokens()
    expect(tokens).toHaveLength(1)
    const code = axiom.inbox.messages.at(-1)!.code
    expect(box.leaks([MAILBOX_PASSWORD, AXIOM_PASSWORD, code, tokens[0]!.accessToken, tokens[0]!.refreshToken])).toEqual([])
  })

  it('a wrong mailbox password: exit 1, the typed IMAP error naming the fix, nothing stored, the canary nowhere', async () => {
    axiom.requests.clear()
    const wrong = `${MAILBOX_PASSWORD}-wrong`
    const result = await loginFromMailbox(wrong)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`the IMAP server ${server.host}:${server.port} refused the login of ${server.user} (AUTHENTICATIONFAILED)`)
    expect(result.stderr).toContain('check the IMAP user and password')
    // Axiom sent its code; the login stopped at the mailbox, so the code was never submitted.
    expect(loginSteps()).toEqual(['/login-password-v2 200'])
    expect(await box.index()).toEqual([])
    const plain = Buffer.from(`\0${server.user}\0${wrong}`).toString('base64')
    expect(box.leaks([MAILBOX_PASSWORD, wrong, plain, AXIOM_PASSWORD])).toEqual([])

    const debug = await box.run(
      [
        'login',
        'axiom',
        '--debug',
        '--email',
        server.user,
        '--password-stdin',
        '--base-url',
        axiom.url,
        '--otp-imap-host',
        server.host,
        '--otp-imap-port',
        String(server.port),
        '--otp-imap-user',
        server.user,
        '--otp-imap-password-stdin',
        '--otp-imap-insecure',
      ],
      { lines: [AXIOM_PASSWORD, wrong] },
    )
    expect(debug.code).toBe(1)
    expect(debug.stderr).toContain('InvalidCredentialsError')
    expect(box.leaks([wrong, plain])).toEqual([])
  })
})
