import { describe, expect, it } from 'vitest'
import { AuthError, InsecureTransportError } from '@authmux/core'
import { cliWording, describeError, UsageError } from './errors'
import { hintFor } from './hints'
import { closest, editDistance } from './suggest'

describe('did you mean …?', () => {
  it('counts a swap of neighbouring letters as one edit and suggests only close words', () => {
    expect(editDistance('emial', 'email')).toBe(1)
    expect(editDistance('axion', 'axiom')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
    expect(closest('stauts', ['login', 'status'])).toBe('status')
    expect(closest('stat', ['login', 'status'])).toBe('status')
    expect(closest('xyz', ['login', 'status'])).toBeUndefined()
    expect(closest('anything', [])).toBeUndefined()
  })
})

describe("errors in the CLI's words", () => {
  it('option names become flags; names without a flag stay as they are', () => {
    expect(cliWording('Use https, or pass allowInsecureHttp: true if you really mean it.')).toBe(
      'Use https, or pass --allow-insecure-http if you really mean it.',
    )
    expect(cliWording("must be an absolute https URL — pass { baseURL: 'https://x' } or set X_URL.")).toBe(
      'must be an absolute https URL — pass --base-url <url> or set X_URL.',
    )
    expect(cliWording('pass { username, apiKey } (or set …)')).toBe('pass --username <name> and --api-key-stdin (or set …)')
    expect(cliWording('pass { otp: async () => code }.')).toBe('pass --otp <code> or --otp-stdin.')
    expect(cliWording('pass { turnstileToken } (solved in a browser)')).toBe('pass { turnstileToken } (solved in a browser)')
  })

  it("the IMAP code source's advice names the --otp-imap-* flags", () => {
    const timeout =
      'no unread email … within 120 s — check that the code email lands in this mailbox (spam folder? set mailbox / AUTHMUX_IMAP_MAILBOX), that it comes from that sender (from / AUTHMUX_IMAP_FROM) and that codePattern finds the code, or raise timeoutMs.'
    expect(cliWording(timeout)).toBe(
      'no unread email … within 120 s — check that the code email lands in this mailbox (spam folder? pass --otp-imap-mailbox or set AUTHMUX_IMAP_MAILBOX), that it comes from that sender (--otp-imap-from or AUTHMUX_IMAP_FROM) and that codePattern finds the code, or raise --otp-imap-timeout-seconds.',
    )
    expect(cliWording('could not connect — check host, port and secure (993 = TLS from the first byte, 143 = STARTTLS with secure: false)')).toBe(
      'could not connect — check --otp-imap-host, --otp-imap-port and --otp-imap-secure / --otp-imap-starttls (993 = TLS from the first byte, 143 = STARTTLS with --otp-imap-starttls)',
    )
  })

  it('describeError: the package prefix, the help pointer, and a stack only with --debug', () => {
    expect(describeError(new Error('boom'), false)).toBe('@authmux/cli: boom')
    expect(describeError('text', false)).toBe('@authmux/cli: text')
    expect(describeError(new UsageError('bad', { command: 'env' }), false)).toBe('@authmux/cli: bad\nRun `authmux env --help` for usage.')
    const insecure = new InsecureTransportError('@authmux/core: refusing http. Use https, or pass allowInsecureHttp: true if you really mean it.', {})
    expect(describeError(insecure, false)).toBe('@authmux/core: refusing http. Use https, or pass --allow-insecure-http if you really mean it.')
    const debug = describeError(new AuthError('@authmux/core: x', { code: 'PROVIDER_ERROR', status: 502 }), true)
    expect(debug).toMatch(/^@authmux\/core: x \[AuthError PROVIDER_ERROR HTTP 502\]\n\s+at /)
  })

  it('a 404 or 405 from the provider points at the base URL; other failures get no hint', () => {
    const target = { title: 'TradeReady', baseURL: 'http://127.0.0.1:1/api' }
    expect(hintFor(new AuthError('x', { status: 404 }), target)).toContain('check the base URL (its path too): pass --base-url <url>')
    expect(hintFor(new AuthError('x', { status: 405 }), target)).toContain('HTTP 405 under http://127.0.0.1:1/api')
    expect(hintFor(new AuthError('x', { status: 401 }), target)).toBeUndefined()
    expect(hintFor(new Error('x'), target)).toBeUndefined()
    expect(hintFor(new AuthError('x', { status: 404 }), undefined)).toBeUndefined()
  })
})
