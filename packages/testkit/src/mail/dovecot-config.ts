import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'

/** The system accounts a Dovecot instance runs its processes and mail access as. */
export interface DovecotAccounts {
  /** `default_internal_user`: auth, anvil, stats … processes. */
  internalUser: string
  /** `default_internal_group`. */
  internalGroup: string
  /** `default_login_user`: the imap-login processes. */
  loginUser: string
  /** uid and gid of the test mailbox (never 0: Dovecot refuses mail access as root). */
  mailUid: number
  mailGid: number
}

interface PasswdEntry {
  name: string
  uid: number
  gid: number
}

function passwdEntries(): PasswdEntry[] {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 4)
      .map(([name = '', , uid = '', gid = '']) => ({ name, uid: Number(uid), gid: Number(gid) }))
  } catch {
    return []
  }
}

function groupName(gid: number): string {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(gid))
    return line?.split(':')[0] ?? String(gid)
  } catch {
    return String(gid)
  }
}

/**
 * As root: the `dovecot` and `dovenull` accounts that the dovecot-core package creates (else `nobody`), with the
 * mailbox owned by the internal user. As anyone else: the current user for everything (Dovecot then runs unprivileged).
 */
export function dovecotAccounts(): DovecotAccounts {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    const me = userInfo()
    return { internalUser: me.username, internalGroup: groupName(me.gid), loginUser: me.username, mailUid: me.uid, mailGid: me.gid }
  }
  const entries = passwdEntries()
  const nobody = entries.find((e) => e.name === 'nobody') ?? { name: 'nobody', uid: 65534, gid: 65534 }
  const internal = entries.find((e) => e.name === 'dovecot') ?? nobody
  const login = entries.find((e) => e.name === 'dovenull') ?? nobody
  return { internalUser: internal.name, internalGroup: groupName(internal.gid), loginUser: login.name, mailUid: internal.uid, mailGid: internal.gid }
}

/** Where one test instance keeps everything, and how it is reached. */
export interface DovecotLayout {
  /** Temporary directory holding the whole instance. */
  dir: string
  port: number
  /** The passwd-file with the test users. */
  passwdFile: string
  accounts: DovecotAccounts
}

/**
 * A self-contained Dovecot 2.3 configuration: IMAP only, on 127.0.0.1:`port`, cleartext logins allowed (no TLS: tests
 * on loopback), users from a passwd-file, Maildir at `~/Maildir`, every runtime file inside `dir`, no chroot (so it
 * runs unprivileged too). Nothing from /etc/dovecot is read.
 */
export function dovecotConfig(layout: DovecotLayout): string {
  const { dir, port, passwdFile, accounts } = layout
  return `# written by @authmux/testkit for one test run
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
instance_name = authmux-test-${port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# a wrong password is answered at once (Dovecot still slows the next logins from the same IP for a few seconds)
auth_failure_delay = 0
default_internal_user = ${accounts.internalUser}
default_internal_group = ${accounts.internalGroup}
default_login_user = ${accounts.loginUser}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwdFile}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${passwdFile}
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`
}

/** One passwd-file line: `user:{PLAIN}password:uid:gid::home::`. */
export function passwdLine(user: string, password: string, accounts: DovecotAccounts, home: string): string {
  for (const [name, value] of [
    ['user', user],
    ['password', password],
  ] as const) {
    if (/[:\s]/.test(value)) throw new TypeError(`@authmux/testkit: the Dovecot test ${name} must not contain ':' or white space.`)
  }
  return `${user}:{PLAIN}${password}:${accounts.mailUid}:${accounts.mailGid}::${home}::\n`
}
