import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dovecotAccounts, dovecotConfig, passwdLine, type DovecotAccounts } from './dovecot-config.js'
import { deliverToMaildir, type MaildirDeliveryOptions } from './maildir.js'
import type { MailMessageInput } from './message.js'

const PREFIX = '@authmux/testkit (Dovecot)'
const INSTALL_HINT = 'install it: `node scripts/ensure-dovecot.mjs` (as root, with apt-get) or `apt-get install dovecot-imapd`'

/** Options of `startDovecot`. */
export interface StartDovecotOptions {
  /** The first test user's login name. Default `otp@authmux.test`. */
  user?: string
  /** Its password. Default a fixed test password. */
  password?: string
  /** How long to wait for the server to accept a login, in ms. Default 15000. */
  startTimeoutMs?: number
}

/** One test mailbox on the server. */
export interface TestMailbox {
  /** IMAP login name. */
  readonly user: string
  /** IMAP password. */
  readonly password: string
  /** The mailbox's Maildir (INBOX): give it to the Axiom emulator's `maildir` option. */
  readonly maildir: string
  /** Delivers a message into this INBOX (see `deliverToMaildir`); resolves with the file's path. */
  deliver(message: string | MailMessageInput, options?: MaildirDeliveryOptions): Promise<string>
}

/** A Dovecot IMAP server started by a test (a child process), with its first test mailbox. */
export interface TestImapServer extends TestMailbox {
  /** Always `127.0.0.1`. */
  readonly host: string
  /** The IMAP port (cleartext, no TLS). */
  readonly port: number
  /** Dovecot's log file (useful when a test fails). */
  readonly logFile: string
  /**
   * Adds another user with its own empty INBOX, without a restart. Resolves once Dovecot can see it (it re-reads its
   * passwd-file at most once a second, so this waits for the next second).
   */
  addUser(user: string, password: string): Promise<TestMailbox>
  /** Stops the server and deletes every file of it. Safe to call twice. */
  stop(): Promise<void>
}

/** Servers still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

/** The installed Dovecot's version, or a clear error saying how to install it. */
function dovecotVersion(): string {
  const probe = spawnSync('dovecot', ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? (probe.error as NodeJS.ErrnoException).code : `exit ${probe.status}`
    throw new Error(`${PREFIX}: the dovecot binary is not available (${why}) — ${INSTALL_HINT}.`)
  }
  const version = probe.stdout.trim().split(/\s+/)[0] ?? ''
  if (!version.startsWith('2.3.')) {
    throw new Error(`${PREFIX}: found Dovecot ${version}; this helper writes a Dovecot 2.3 configuration (Debian 12's dovecot-imapd).`)
  }
  return version
}

/** A loopback port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Logs in once over raw IMAP: true when the server greets, accepts the user and says OK. */
function loginWorks(port: number, user: string, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let seen = ''
    let sent = false
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(2000, () => done(false))
    socket.once('error', () => done(false))
    socket.on('data', (data) => {
      seen += data.toString('latin1')
      if (!sent && /\* OK \[CAPABILITY[^\r\n]*\r\n/.test(seen)) {
        sent = true
        socket.write(`a1 LOGIN "${user}" "${password}"\r\na2 LOGOUT\r\n`)
      }
      if (/^a1 OK/m.test(seen)) done(true)
      else if (/^a1 (NO|BAD)/m.test(seen) || /^\* BYE/m.test(seen)) done(false)
    })
  })
}

function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Creates a user's home and Maildir (owned by the mail account) and adds it to the passwd-file. */
function createMailbox(dir: string, passwdFile: string, accounts: DovecotAccounts, user: string, password: string): TestMailbox {
  const home = join(dir, 'home', user.replace(/[^\w.@-]/g, '_'))
  const maildir = join(home, 'Maildir')
  for (const sub of ['', 'Maildir', 'Maildir/cur', 'Maildir/new', 'Maildir/tmp']) {
    const path = join(home, sub)
    mkdirSync(path, { recursive: true, mode: 0o755 })
    chownSync(path, accounts.mailUid, accounts.mailGid)
  }
  appendFileSync(passwdFile, passwdLine(user, password, accounts, home))
  return { user, password, maildir, deliver: (message, options) => deliverToMaildir(maildir, message, options) }
}

/**
 * Starts a real Dovecot IMAP server as a child process (`dovecot -F`) with its own configuration in a temporary
 * directory: cleartext IMAP on a free 127.0.0.1 port, a passwd-file user and a Maildir INBOX. Resolves once that
 * user can log in. Runs as root (processes as the `dovecot`/`dovenull` accounts) or unprivileged (as the current
 * user). Fails with a message saying how to install Dovecot when it is missing — never silently.
 */
export async function startDovecot(options: StartDovecotOptions = {}): Promise<TestImapServer> {
  dovecotVersion()
  const dir = await mkdtemp(join(tmpdir(), 'authmux-dovecot-'))
  // The mail and login processes run as other accounts when we are root: they must reach their files.
  chmodSync(dir, 0o755)
  let child: ChildProcess | undefined
  const stop = async () => {
    const proc = child
    child = undefined
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        const killer = setTimeout(() => proc.kill('SIGKILL'), 5000)
        proc.once('exit', () => {
          clearTimeout(killer)
          resolve()
        })
        proc.kill('SIGTERM')
      })
    }
    if (proc) running.delete(proc)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const accounts = dovecotAccounts()
    const port = await freePort()
    const passwdFile = join(dir, 'passwd')
    writeFileSync(passwdFile, '', { mode: 0o644 })
    const first = createMailbox(dir, passwdFile, accounts, options.user ?? 'otp@authmux.test', options.password ?? 'dovecot-test-password')
    const configFile = join(dir, 'dovecot.conf')
    writeFileSync(configFile, dovecotConfig({ dir, port, passwdFile, accounts }))
    const logFile = join(dir, 'dovecot.log')

    const proc = spawn('dovecot', ['-F', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    running.add(proc)
    installExitHook()
    let output = ''
    proc.stdout?.on('data', (data) => (output += data))
    proc.stderr?.on('data', (data) => (output += data))
    let spawnError: Error | undefined
    proc.once('error', (error) => (spawnError = error))

    const deadline = Date.now() + (options.startTimeoutMs ?? 15_000)
    for (;;) {
      if (spawnError) throw new Error(`${PREFIX}: cannot start dovecot (${spawnError.message}) — ${INSTALL_HINT}.`)
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`${PREFIX}: dovecot exited at start (${proc.exitCode ?? proc.signalCode}).\n${output.trim()}\n${tail(logFile)}`)
      }
      if (await loginWorks(port, first.user, first.password)) break
      if (Date.now() > deadline) throw new Error(`${PREFIX}: no successful IMAP login on port ${port} in time.\n${tail(logFile)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return {
      ...first,
      host: '127.0.0.1',
      port,
      logFile,
      async addUser(user, password) {
        const mailbox = createMailbox(dir, passwdFile, accounts, user, password)
        await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)))
        return mailbox
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
