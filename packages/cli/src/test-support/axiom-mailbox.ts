import { startAxiomEmulator, startDovecot, type AxiomEmulator, type TestImapServer } from '@authmux/testkit'
import { afterAll, beforeAll } from 'vitest'

/** A real Dovecot mailbox for `user` and the Axiom emulator, which emails each one-time code into it. */
export interface AxiomMailbox {
  /** The IMAP server (host, port, user, maildir). */
  readonly server: TestImapServer
  /** The Axiom emulator, with an account for the mailbox's user. */
  readonly axiom: AxiomEmulator
  /** `login axiom --email <user> --password-stdin --base-url <emulator>`: the password comes first on stdin. */
  loginArgs(): string[]
  /** `--otp-imap-host/-port/-user` of the mailbox (add the password source and the transport flag). */
  imapArgs(): string[]
  /** Where the emulator's login steps answered, in order: `/login-password-v2 200`, `/login-otp 200`, … */
  loginSteps(): string[]
}

/**
 * Starts the mailbox and the emulator before the file's tests and stops both after them. Read `server` and `axiom`
 * inside tests (they exist only once `beforeAll` has run).
 */
export function useAxiomMailbox(options: { user: string; mailboxPassword: string; axiomPassword: string }): AxiomMailbox {
  let server: TestImapServer | undefined
  let axiom: AxiomEmulator | undefined
  beforeAll(async () => {
    server = await startDovecot({ user: options.user, password: options.mailboxPassword })
    axiom = await startAxiomEmulator({ maildir: server.maildir, accounts: [{ email: server.user, password: options.axiomPassword }] })
  }, 60_000)
  afterAll(async () => {
    await axiom?.close()
    await server?.stop()
  })
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useAxiomMailbox: ${what} is read before beforeAll started it`)
    return value
  }
  return {
    get server() {
      return started(server, 'the IMAP server')
    },
    get axiom() {
      return started(axiom, 'the Axiom emulator')
    },
    loginArgs() {
      return ['login', 'axiom', '--email', this.server.user, '--password-stdin', '--base-url', this.axiom.url]
    },
    imapArgs() {
      const { host, port, user } = this.server
      return ['--otp-imap-host', host, '--otp-imap-port', String(port), '--otp-imap-user', user]
    },
    loginSteps() {
      return this.axiom.requests
        .list()
        .filter((entry) => entry.path === '/login-password-v2' || entry.path === '/login-otp')
        .map((entry) => `${entry.path} ${entry.status}`)
    },
  }
}
