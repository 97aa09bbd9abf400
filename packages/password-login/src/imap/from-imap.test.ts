import { startDovecot, type TestImapServer } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromImap } from './from-imap'
import { codeMail, imapOptions, inboxFlags, recordingLogger, searches } from './test-support'

// Every test talks IMAP to a real Dovecot (a child process with its own config, on a free loopback port). Without
// Dovecot the suite fails in beforeAll with the command that installs it — it is never skipped.
let server: TestImapServer
let users = 0
beforeAll(async () => {
  server = await startDovecot()
}, 30_000)
afterAll(() => server?.stop())

/** A fresh mailbox per test: no test sees another's mail or flags. */
const freshMailbox = () => server.addUser(`reader${++users}@authmux.test`, `mailbox-password-${users}`)

describe('fromImap: waiting for the code email', () => {
  it('takes a code that arrives 2 s after it was asked for, woken by IMAP IDLE (the poll interval alone is longer than the timeout)', async () => {
    const mailbox = await freshMailbox()
    const logger = recordingLogger()
    const otp = fromImap({ ...imapOptions(server, mailbox), pollIntervalMs: 60_000, timeoutMs: 20_000, logger })
    const code = otp()
    await logger.waitFor((line) => line.message.endsWith('imap: searched'))
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    await mailbox.deliver(codeMail(mailbox, '481516'))
    expect(await code).toBe('481516')
    expect(searches(logger.lines)).toEqual([
      { wake: 'start', candidates: 0, found: false },
      { wake: 'new-mail', candidates: 1, found: true },
    ])
    // Flagged as read: no later login takes it again.
    expect(await inboxFlags(server, mailbox)).toEqual([{ subject: 'Your Axiom security code', seen: true }])
  })

  it('takes a code that is already there when it is asked for (the login request delivered it), in one search', async () => {
    const mailbox = await freshMailbox()
    await mailbox.deliver(codeMail(mailbox, '102030'))
    const logger = recordingLogger()
    expect(await fromImap({ ...imapOptions(server, mailbox), logger })()).toBe('102030')
    expect(searches(logger.lines)).toEqual([{ wake: 'start', candidates: 1, found: true }])
  })

  it('searches again every pollIntervalMs, and gives up after timeoutMs with a TimeoutError naming the sender, the mailbox and the fixes', async () => {
    const mailbox = await freshMailbox()
    // Mail that is not the code email: another sender (with six digits), and the sender without a code.
    await mailbox.deliver(codeMail(mailbox, '999999', { from: 'Shop <news@shop.example>' }))
    await mailbox.deliver(codeMail(mailbox, '', { text: 'Welcome to Axiom! No code in here.' }))
    const logger = recordingLogger()
    const otp = fromImap({ ...imapOptions(server, mailbox), pollIntervalMs: 200, timeoutMs: 1_500, logger })
    const error = await otp().catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT', provider: 'imap' })
    expect((error as Error).message).toBe(
      `@authmux/password-login: no unread email with a one-time code from an address at axiom.trade reached INBOX of ${mailbox.user} on 127.0.0.1:${server.port} within 1.5 s — check that the code email lands in this mailbox (spam folder? set mailbox / AUTHMUX_IMAP_MAILBOX), that it comes from that sender (from / AUTHMUX_IMAP_FROM) and that codePattern finds the code, or raise timeoutMs.`,
    )
    const done = searches(logger.lines)
    expect(done.filter((s) => s?.wake === 'poll').length).toBeGreaterThanOrEqual(3)
    expect(done.every((s) => s?.candidates === 1 && s?.found === false)).toBe(true)
    // Nothing was flagged: the reader only flags the email it took its code from.
    expect((await inboxFlags(server, mailbox)).map((m) => m.seen)).toEqual([false, false])
  })
})

describe('fromImap: only a code from this login', () => {
  it('ignores an unread code email from an earlier login (older than lookbackMs) and waits for the new one', async () => {
    const mailbox = await freshMailbox()
    const tenMinutesAgo = Date.now() - 10 * 60_000
    await mailbox.deliver(codeMail(mailbox, '111111', { date: tenMinutesAgo }), { receivedAt: tenMinutesAgo })
    const logger = recordingLogger()
    const code = fromImap({ ...imapOptions(server, mailbox), lookbackMs: 60_000, logger })()
    await logger.waitFor((line) => line.message.endsWith('imap: searched'))
    await mailbox.deliver(codeMail(mailbox, '222222'))
    expect(await code).toBe('222222')
    expect(searches(logger.lines)[0]).toEqual({ wake: 'start', candidates: 0, found: false })
    expect((await inboxFlags(server, mailbox)).map((m) => m.seen)).toEqual([false, true])
  })

  it('never takes a code twice: the email of a code already used is flagged read and skipped', async () => {
    const mailbox = await freshMailbox()
    const logger = recordingLogger()
    const otp = fromImap({ ...imapOptions(server, mailbox), logger })
    await mailbox.deliver(codeMail(mailbox, '333333'))
    expect(await otp()).toBe('333333')
    // A second login within lookbackMs: the first email is recent, but read.
    const second = otp()
    await logger.waitFor((line) => line.message.endsWith('imap: searched') && line !== logger.lines.find((l) => l.message.endsWith('imap: searched')))
    await mailbox.deliver(codeMail(mailbox, '444444'))
    expect(await second).toBe('444444')
    expect(searches(logger.lines)).toEqual([
      { wake: 'start', candidates: 1, found: true },
      { wake: 'start', candidates: 0, found: false },
      { wake: 'new-mail', candidates: 1, found: true },
    ])
  })

  it('takes the newest of several fresh code emails', async () => {
    const mailbox = await freshMailbox()
    const now = Date.now()
    // Newest in the middle: neither the first nor the last UID is the newest email. Each is listed once before the
    // next arrives, so Dovecot numbers them in this order.
    for (const [code, ageMs] of [
      ['555555', 20_000],
      ['777777', 5_000],
      ['666666', 10_000],
    ] as const) {
      await mailbox.deliver(codeMail(mailbox, code), { receivedAt: now - ageMs })
      await inboxFlags(server, mailbox)
    }
    expect(await fromImap(imapOptions(server, mailbox))()).toBe('777777')
  })
})

describe('fromImap: finding the code in the email', () => {
  it('reads an HTML-only email: styles and markup are not codes (#333333), entities are decoded', async () => {
    const mailbox = await freshMailbox()
    const html =
      '<html><head><style>p{color:#333333}</style></head><body><!-- 909090 --><p style="color:#123456">Your&nbsp;code:&#32;<b>246813</b></p></body></html>'
    await mailbox.deliver(codeMail(mailbox, '', { text: undefined, html }))
    expect(await fromImap(imapOptions(server, mailbox))()).toBe('246813')
  })

  it('prefers the subject, and takes the first capture group of a custom codePattern', async () => {
    const mailbox = await freshMailbox()
    await mailbox.deliver(codeMail(mailbox, '000000', { subject: '135799 is your Axiom code' }))
    expect(await fromImap(imapOptions(server, mailbox))()).toBe('135799')
    const other = await freshMailbox()
    await other.deliver(codeMail(other, '', { text: 'Order 123456 shipped. Login code: AB12CD' }))
    expect(await fromImap({ ...imapOptions(server, other), codePattern: /code:\s*([A-Z0-9]{6})/g })()).toBe('AB12CD')
  })

  it('matches the sender by exact address, by domain (subdomains included) or by RegExp', async () => {
    const mailbox = await freshMailbox()
    await mailbox.deliver(codeMail(mailbox, '808080', { from: 'Axiom <security@mail.axiom.trade>' }))
    expect(await fromImap(imapOptions(server, mailbox))()).toBe('808080')
    const exact = await freshMailbox()
    await exact.deliver(codeMail(exact, '818181', { from: 'Axiom <other@axiom.trade>' }))
    await exact.deliver(codeMail(exact, '828282', { from: 'Axiom <codes@axiom.trade>' }), { receivedAt: Date.now() - 30_000 })
    expect(await fromImap({ ...imapOptions(server, exact), from: 'Codes@Axiom.Trade' })()).toBe('828282')
    const pattern = await freshMailbox()
    await pattern.deliver(codeMail(pattern, '838383', { from: 'Bot <login@vendor.example>' }))
    expect(await fromImap({ ...imapOptions(server, pattern), from: /^login@vendor\.example$/ })()).toBe('838383')
  })
})
