import { ImapFlow } from 'imapflow'
import { beforeEach, describe, expect, it } from 'vitest'
import { useAxiomMailbox } from './test-support/axiom-mailbox'
import { CliSandbox } from './test-support/cli'

// The built `authmux` bin, no terminal, no --otp: the Axiom emulator emails its one-time code as a real message into
// a Dovecot Maildir, and the CLI reads it over IMAP (--otp-imap-*). The mailbox password is a canary.
const AXIOM_PASSWORD = 'axiom-account-password-e2e'
const MAILBOX_PASSWORD = 'CANARY-mailbox-app-password-7f3e'
let box: CliSandbox

const mailbox = useAxiomMailbox({ user: 'trader@authmux.test', mailboxPassword: MAILBOX_PASSWORD, axiomPassword: AXIOM_PASSWORD })
beforeEach(async () => {
  box = await CliSandbox.create()
  return () => box.dispose()
})

/** `authmux login axiom` with the Axiom password and then the mailbox password on stdin, the code from the mailbox. */
function loginFromMailbox(mailboxPassword: string) {
  const flags = [...mailbox.imapArgs(), '--otp-imap-password-stdin', '--otp-imap-insecure', '--otp-imap-timeout-seconds', '10']
  return box.run([...mailbox.loginArgs(), ...flags], { lines: [AXIOM_PASSWORD, mailboxPassword] })
}

/** Whether each code email in the INBOX is flagged read, oldest first (a separate IMAP client). */
async function seenFlags(): Promise<boolean[]> {
  const client = new ImapFlow({
    host: mailbox.server.host,
    port: mailbox.server.port,
    secure: false,
    auth: { user: mailbox.server.user, pass: mailbox.server.password },
    logger: false,
  })
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
    mailbox.axiom.requests.clear()
    const mailsBefore = mailbox.axiom.inbox.messages.length
    const result = await loginFromMailbox(MAILBOX_PASSWORD)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Logged in to Axiom Trade as trader@authmux\.test — token expires in 1[56]m/)
    // One code email, read over IMAP, accepted at once, and flagged read so no later login takes it again.
    expect(mailbox.axiom.inbox.messages.length).toBe(mailsBefore + 1)
    expect(mailbox.loginSteps()).toEqual(['/login-password-v2 200', '/login-otp 200'])
    expect((await seenFlags()).at(-1)).toBe(true)

    const status = await box.run(['status', '--json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ provider: 'axiom', account: mailbox.server.user, state: 'valid', storeKey: `axiom:${mailbox.server.user}` }),
    ])
    const tokens = await box.storedTokens()
    expect(tokens).toHaveLength(1)
    const code = mailbox.axiom.inbox.messages.at(-1)!.code
    expect(box.leaks([MAILBOX_PASSWORD, AXIOM_PASSWORD, code, tokens[0]!.accessToken, tokens[0]!.refreshToken])).toEqual([])
  })

  it('a wrong mailbox password: exit 1, the typed IMAP error naming the fix, nothing stored, the canary nowhere', async () => {
    mailbox.axiom.requests.clear()
    const wrong = `${MAILBOX_PASSWORD}-wrong`
    const result = await loginFromMailbox(wrong)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(
      `the IMAP server ${mailbox.server.host}:${mailbox.server.port} refused the login of ${mailbox.server.user} (AUTHENTICATIONFAILED)`,
    )
    expect(result.stderr).toContain('check the IMAP user and password')
    // Axiom sent its code; the login stopped at the mailbox, so the code was never submitted.
    expect(mailbox.loginSteps()).toEqual(['/login-password-v2 200'])
    expect(await box.index()).toEqual([])
    const plain = Buffer.from(`\0${mailbox.server.user}\0${wrong}`).toString('base64')
    expect(box.leaks([MAILBOX_PASSWORD, wrong, plain, AXIOM_PASSWORD])).toEqual([])

    const debug = await box.run([...mailbox.loginArgs(), ...mailbox.imapArgs(), '--otp-imap-password-stdin', '--otp-imap-insecure', '--debug'], {
      lines: [AXIOM_PASSWORD, wrong],
    })
    expect(debug.code).toBe(1)
    expect(debug.stderr).toContain('InvalidCredentialsError')
    expect(box.leaks([wrong, plain])).toEqual([])
  })
})
