import { inspect } from 'node:util'
import { startAxiomEmulator, startDovecot, type AxiomEmulator, type TestImapServer } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAxiomAuth } from '../presets/axiom'
import { fromImap } from './from-imap'
import { imapOptions, inboxFlags } from './test-support'

// End to end, no prompt: the Axiom preset logs in against the emulator, which emails its one-time code as a real
// RFC 5322 message into a Dovecot Maildir; fromImap reads it over IMAP.
const AXIOM_PASSWORD = 'axiom-account-password'
let server: TestImapServer
let axiom: AxiomEmulator
beforeAll(async () => {
  server = await startDovecot({ user: 'trader@authmux.test', password: 'mailbox-app-password' })
  axiom = await startAxiomEmulator({ maildir: server.maildir, accounts: [{ email: server.user, password: AXIOM_PASSWORD }] })
}, 60_000)
afterAll(async () => {
  await axiom?.close()
  await server?.stop()
})

const loginCalls = () => axiom.requests.list().filter((entry) => entry.path === '/login-password-v2' || entry.path === '/login-otp')

describe('Axiom login with otp: fromImap(...)', () => {
  it('logs in unattended, twice: each login takes its own code from the mailbox and flags it read', async () => {
    const auth = createAxiomAuth({
      baseURL: axiom.url,
      email: server.user,
      password: AXIOM_PASSWORD,
      otp: fromImap({ ...imapOptions(server, server), timeoutMs: 30_000 }),
      env: false,
    })
    try {
      const me = await auth.fetch<{ email: string; authenticatedWith: string }>('/user/info')
      expect(me).toMatchObject({ email: server.user, authenticatedWith: 'cookie' })
      expect(await inboxFlags(server, server)).toEqual([{ subject: 'Your Axiom security code', seen: true }])

      // A second login: a new code email arrives; the first code (already used, flagged read) must not be sent.
      await auth.logout()
      await auth.login()
      expect(auth.status().state).toBe('valid')
      expect(await inboxFlags(server, server)).toEqual([
        { subject: 'Your Axiom security code', seen: true },
        { subject: 'Your Axiom security code', seen: true },
      ])
      const otpAnswers = loginCalls()
        .filter((entry) => entry.path === '/login-otp')
        .map((entry) => entry.status)
      expect(otpAnswers).toEqual([200, 200])
      expect(axiom.inbox.messages).toHaveLength(2)
    } finally {
      auth.dispose()
    }
  })

  it('a wrong mailbox password fails the login with the typed IMAP error, the canary nowhere, and no second code email', async () => {
    const canary = 'CANARY-mailbox-secret-42'
    const before = axiom.inbox.messages.length
    const auth = createAxiomAuth({
      baseURL: axiom.url,
      email: server.user,
      password: AXIOM_PASSWORD,
      otp: fromImap({ ...imapOptions(server, server), password: canary }),
      env: false,
    })
    const events: unknown[] = []
    auth.on('error', (event) => events.push(event))
    try {
      const error = await auth.login().catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'InvalidCredentialsError', provider: 'imap', providerCode: 'AUTHENTICATIONFAILED' })
      expect((error as Error).message).toContain('refused the login of trader@authmux.test')
      const shown = [String(error), JSON.stringify(error), inspect(error, { depth: 8 }), inspect(auth, { depth: 8 }), JSON.stringify(events)].join('\n')
      expect(shown).not.toContain(canary)
      expect(shown).not.toContain(Buffer.from(`\0${server.user}\0${canary}`).toString('base64'))
      expect(axiom.inbox.messages.length).toBe(before + 1)
    } finally {
      auth.dispose()
    }
  })
})
