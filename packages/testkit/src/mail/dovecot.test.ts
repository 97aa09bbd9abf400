import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { ImapFlow } from 'imapflow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axiomB64Password } from '../axiom-password.js'
import { startAxiomEmulator } from '../providers/axiom.js'
import { AXIOM_MAIL_FROM } from './axiom-mail.js'
import { startDovecot, type TestImapServer, type TestMailbox } from './dovecot.js'

// A real Dovecot (child process); when it cannot run, startDovecot fails with the install command — never a skip.
let server: TestImapServer
beforeAll(async () => {
  server = await startDovecot()
}, 30_000)
afterAll(() => server?.stop())

/** Logs in as `mailbox` over IMAP, opens INBOX and runs `fn`. */
async function withInbox<T>(mailbox: TestMailbox, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user: mailbox.user, pass: mailbox.password }, logger: false })
  await client.connect()
  try {
    await client.mailboxOpen('INBOX')
    return await fn(client)
  } finally {
    await client.logout()
  }
}

describe('startDovecot: a real IMAP server for tests', () => {
  it('serves a delivered message with its envelope, its received time as INTERNALDATE and decoded text', async () => {
    const mailbox = await server.addUser('delivery@authmux.test', 'delivery-password')
    const receivedAt = Date.UTC(2026, 0, 15, 12, 0, 0)
    await mailbox.deliver(
      { from: 'Sender <sender@example.test>', to: mailbox.user, subject: 'Grüße 42', text: 'Héllo — code 135790', date: receivedAt },
      { receivedAt },
    )
    const [message] = await withInbox(mailbox, (client) => client.fetchAll('1:*', { envelope: true, internalDate: true, flags: true, uid: true }))
    expect(message?.envelope?.subject).toBe('Grüße 42')
    expect(message?.envelope?.from?.[0]?.address).toBe('sender@example.test')
    expect(new Date(message?.internalDate ?? 0).getTime()).toBe(receivedAt)
    expect(message?.flags?.has('\\Seen')).toBe(false)
    const text = await withInbox(mailbox, async (client) => {
      const part = await client.download('1', '1')
      const chunks: Buffer[] = []
      for await (const chunk of part.content ?? []) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    })
    expect(text).toBe('Héllo — code 135790')
  })

  it('refuses a wrong password (passwd-file users only)', async () => {
    const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user: server.user, pass: 'not-the-password' }, logger: false })
    await expect(client.connect()).rejects.toMatchObject({ authenticationFailed: true })
  })

  it('the Axiom emulator delivers each one-time code as an RFC 5322 message into the Maildir', async () => {
    const mailbox = await server.addUser('axiom-user@authmux.test', 'axiom-user-password')
    const axiom = await startAxiomEmulator({ maildir: mailbox.maildir, accounts: [{ email: mailbox.user, password: 'axiom-pass' }] })
    try {
      const response = await fetch(`${axiom.url}/login-password-v2`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: mailbox.user, b64Password: await axiomB64Password('axiom-pass') }),
      })
      expect(response.status).toBe(200)
      const code = axiom.inbox.latestCode(mailbox.user)
      expect(code).toMatch(/^\d{6}$/)
      const { envelope, bodyStructure } = await withInbox(mailbox, async (client) => {
        const [message] = await client.fetchAll('1:*', { envelope: true, bodyStructure: true })
        return { envelope: message?.envelope, bodyStructure: message?.bodyStructure }
      })
      expect(envelope?.from?.[0]).toMatchObject({ name: 'Axiom', address: 'noreply@axiom.trade' })
      expect(AXIOM_MAIL_FROM).toContain('noreply@axiom.trade')
      expect(envelope?.to?.[0]?.address).toBe(mailbox.user)
      expect(envelope?.subject).toBe('Your Axiom security code')
      expect(bodyStructure?.type).toBe('multipart/alternative')
      expect(bodyStructure?.childNodes?.map((part) => part.type)).toEqual(['text/plain', 'text/html'])
      const html = await withInbox(mailbox, async (client) => {
        const part = await client.download('1', '2')
        const chunks: Buffer[] = []
        for await (const chunk of part.content ?? []) chunks.push(chunk as Buffer)
        return Buffer.concat(chunks).toString('utf8')
      })
      expect(html).toContain(`<span class="code">${code}</span>`)
    } finally {
      await axiom.close()
    }
  })

  it('stop() ends the server and deletes its files', async () => {
    const other = await startDovecot({ user: 'stop@authmux.test', password: 'stop-password' })
    const dir = other.maildir
    expect(existsSync(dir)).toBe(true)
    await other.stop()
    expect(existsSync(dir)).toBe(false)
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: other.host, port: other.port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(false)
      })
      socket.once('error', () => resolve(true))
    })
    expect(refused).toBe(true)
    await other.stop()
  })
})
