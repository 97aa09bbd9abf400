import { afterEach, describe, expect, it, vi } from 'vitest'
import { debugLoggerFromEnv, isDebugEnabled } from './debug-logger'
import { createSession } from './session'
import { CANARY_API_KEY, CANARY_MARKERS } from './testing/canaries'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

const servers: TokenServer[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('the debug switch', () => {
  it.each([
    [{ DEBUG: 'authmux:*' }, true],
    [{ DEBUG: 'authmux:testprov' }, true],
    [{ DEBUG: 'express:*, authmux:testprov' }, true],
    [{ DEBUG: '*' }, true],
    [{ DEBUG: '*,-authmux:testprov' }, false],
    [{ DEBUG: 'authmux:axiom' }, false],
    [{ DEBUG: 'authmux' }, false],
    [{ DEBUG: '' }, false],
    [{}, false],
    [{ AUTHMUX_DEBUG: '1' }, true],
    [{ AUTHMUX_DEBUG: 'true' }, true],
    [{ AUTHMUX_DEBUG: 'axiom,testprov' }, true],
    [{ AUTHMUX_DEBUG: 'axiom' }, false],
    [{ AUTHMUX_DEBUG: '0', DEBUG: 'authmux:*' }, false],
  ])('%j → %s', (env, expected) => {
    expect(isDebugEnabled('testprov', env)).toBe(expected)
  })

  it('gives no logger when off or without a process environment', () => {
    expect(debugLoggerFromEnv('testprov', {})).toBeUndefined()
    expect(debugLoggerFromEnv('testprov', undefined)).toBeUndefined()
  })

  it('writes one stderr line per call: time, namespace, level, message, data', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const logger = debugLoggerFromEnv('testprov', { DEBUG: 'authmux:*' })!
    logger.warn!('@authmux/core-test: refresh failed', { code: 'NETWORK_ERROR' })
    logger.debug!('logged in')
    expect(error.mock.calls.map((c) => c[0])).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\S+Z authmux:testprov warn @authmux\/core-test: refresh failed \{"code":"NETWORK_ERROR"\}$/),
      expect.stringMatching(/ authmux:testprov debug logged in$/),
    ])
  })
})

describe('a session without a logger option', () => {
  async function run(env: Record<string, string>): Promise<string> {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')))
    const server = await startTokenServer()
    servers.push(server)
    const auth = createSession(testFlow(server.url))
    await auth.login()
    await auth.refresh()
    auth.dispose()
    // A wrong key: the server quotes it back in its error answer, and the warning must not repeat it.
    const wrong = createSession(testFlow(server.url, { apiKey: CANARY_API_KEY }))
    await wrong.login().catch(() => undefined)
    return lines.join('\n')
  }

  it('logs redacted lines to stderr when DEBUG=authmux:* is set', async () => {
    const output = await run({ DEBUG: 'authmux:*' })
    expect(output).toMatch(/authmux:testprov debug .*logged in/)
    expect(output).toMatch(/authmux:testprov debug .*token refreshed/)
    expect(output).toMatch(/authmux:testprov warn .*rejected the credentials.*\[REDACTED\]/)
    for (const marker of CANARY_MARKERS) expect(output).not.toContain(marker)
  })

  it('logs with AUTHMUX_DEBUG=1 too', async () => {
    expect(await run({ AUTHMUX_DEBUG: '1' })).toMatch(/authmux:testprov debug .*logged in/)
  })

  it('stays silent without the switch, and when the switch names another provider', async () => {
    expect(await run({ DEBUG: '' })).toBe('')
    expect(await run({ DEBUG: 'authmux:axiom' })).toBe('')
  })

  it('an explicit logger wins over the switch', async () => {
    vi.stubEnv('DEBUG', 'authmux:*')
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const server = await startTokenServer()
    servers.push(server)
    const seen: string[] = []
    const auth = createSession(testFlow(server.url), { logger: { debug: (message) => void seen.push(message) } })
    await auth.login()
    auth.dispose()
    expect(seen.join('\n')).toMatch(/logged in/)
    expect(error).not.toHaveBeenCalled()
  })
})
