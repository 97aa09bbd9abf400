import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { COMMANDS } from './commands'
import { OTP_SOURCES, type OtpRequest, type OtpSource } from './otp-sources'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

/** A one-time-code source the way the IMAP one plugs in: its own flag, reading the code where Axiom sent it. */
function inboxSource(log: { requests: OtpRequest[]; closed: number }): OtpSource {
  return {
    options: { 'otp-from-test-inbox': { type: 'boolean' } },
    help: '  --otp-from-test-inbox   Read the code from the test inbox',
    open(ctx) {
      if (ctx.flags['otp-from-test-inbox'] !== true) return undefined
      return {
        async code(request) {
          log.requests.push(request)
          return env.emu.inbox.waitForCode(request.email, { sinceMs: request.sentAfter })
        },
        close() {
          log.closed++
        },
      }
    },
  }
}

describe('one-time-code sources (the hook for an unattended Axiom login)', () => {
  const log = { requests: [] as OtpRequest[], closed: 0 }
  const source = inboxSource(log)
  beforeEach(() => {
    log.requests = []
    log.closed = 0
    OTP_SOURCES.unshift(source)
  })
  afterEach(() => {
    OTP_SOURCES.splice(OTP_SOURCES.indexOf(source), 1)
  })

  it('a registered source supplies the code: no terminal, no stdin line for it; closed afterwards', async () => {
    const { email, password } = env.emu.credentials.axiom
    const before = Date.now()
    const result = await env.box.call(['login', 'axiom', '--email', email, '--password-stdin', '--otp-from-test-inbox', '--base-url', env.emu.urls.axiom], {
      lines: [password],
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Logged in to Axiom Trade as demo@axiom\.test/)
    expect(log.requests).toEqual([{ email, sentAfter: expect.any(Number) }])
    expect(log.requests[0]!.sentAfter).toBeGreaterThanOrEqual(before)
    expect(log.closed).toBe(1)
    expect(env.box.leaks([password])).toEqual([])
  })

  it('its flags join login --help and completion, apply to axiom only, and exclude --otp', async () => {
    const login = COMMANDS.find((c) => c.name === 'login')!
    expect(login.help).toContain('--otp-from-test-inbox   Read the code from the test inbox')
    expect(Object.keys(login.options)).toContain('otp-from-test-inbox')
    expect((await env.box.call(['completion', 'bash'])).stdout).toContain('--otp-from-test-inbox')
    const foreign = await env.box.call(['login', 'tradeready', '--otp-from-test-inbox'])
    expect(foreign.code).toBe(2)
    expect(foreign.stderr).toContain('--otp-from-test-inbox does not apply to tradeready')
    const { email, password } = env.emu.credentials.axiom
    const both = await env.box.call(['login', 'axiom', '--email', email, '--otp', '123456', '--otp-from-test-inbox', '--base-url', env.emu.urls.axiom], {
      env: { AXIOM_PASSWORD: password },
    })
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--otp / --otp-stdin and a one-time-code source were both given — use one.')
    expect(log.closed).toBe(1)
    expect(env.emu.stats.get('axiom').logins).toBe(0)
  })
})
