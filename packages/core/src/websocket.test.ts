import type { IncomingMessage } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws'
import { AuthError, ConfigError, InsecureTransportError, TokenExpiredError } from './errors'
import type { AuthFlow } from './flow'
import { createSession } from './session'
import { json, type ScriptedServer, startScriptedServer, until } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'
import type { AuthWebSocket, AuthWebSocketEventMap } from './websocket'
import { connectWebSocket } from './websocket'

/** A loopback stream server: checks `?token=` against the tokens it is told are valid, logs every upgrade. */
async function startStreamServer() {
  const valid = new Set<string>()
  const state = { refuseAll: false, unavailable: 0 }
  const upgrades: Array<{ token: string | null; accepted: boolean }> = []
  const sockets = new Set<ServerSocket>()
  const received: string[] = []
  const http = createServer()
  const wss = new WebSocketServer({ noServer: true })
  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token')
    const accepted = token !== null && valid.has(token) && !state.refuseAll
    upgrades.push({ token, accepted })
    if (state.unavailable > 0) {
      state.unavailable--
      socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n')
      return
    }
    if (!accepted) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('message', (data) => {
        const text = String(data)
        if (text === '{"type":"pong"}') return void received.push('pong')
        received.push(text)
        ws.send(`echo:${text}`)
      })
      ws.on('close', () => sockets.delete(ws))
      ws.send('{"type":"ping"}')
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}/stream`,
    valid,
    state,
    upgrades,
    received,
    dropAll: () => {
      for (const ws of sockets) ws.terminate()
    },
    closeAll: (code: number) => {
      for (const ws of sockets) ws.close(code)
    },
    close: async () => {
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

let api: ScriptedServer
let stream: Awaited<ReturnType<typeof startStreamServer>>
let socket: AuthWebSocket | undefined
afterEach(async () => {
  await socket?.close()
  socket = undefined
  await stream?.close()
  await api?.close()
})

/** A provider whose REST API issues tokens and whose stream takes the current token as `?token=`. */
async function setup(overrides: Partial<AuthFlow> = {}) {
  api = await startScriptedServer()
  stream = await startStreamServer()
  let serial = 0
  const issue = () => {
    const token = `tok-CANARY-${++serial}`
    stream.valid.add(token)
    return { access_token: token, refresh_token: `ref-${serial}`, expires_in: 3600 }
  }
  api.route('/auth/token', (_req, res) => json(res, 200, issue()))
  api.route('/auth/refresh', (_req, res) => json(res, 200, issue()))
  const flow = testFlow(`${api.origin}/api`, {
    stream: {
      urls: [stream.url],
      authenticate: (tokens, upgrade) => upgrade.url.searchParams.set('token', tokens!.accessToken),
      heartbeat: (data, send) => {
        if (data !== '{"type":"ping"}') return false
        send('{"type":"pong"}')
        return true
      },
      authCloseCodes: [4401],
    },
    ...overrides,
  })
  const auth = createSession(flow)
  return { auth }
}

function record(ws: AuthWebSocket) {
  const events: Array<{ type: keyof AuthWebSocketEventMap; event: unknown }> = []
  for (const type of ['open', 'message', 'reconnecting', 'close', 'error'] as const) ws.on(type, (event) => events.push({ type, event }))
  return events
}

const fast = { reconnect: { baseDelayMs: 5, maxDelayMs: 20 } }

describe('connectWebSocket', () => {
  it('authenticates every reconnect with the token held now, restores state in onOpen, answers heartbeats', async () => {
    const { auth } = await setup()
    let opens = 0
    socket = connectWebSocket(auth, { ...fast, onOpen: (ws) => ws.send(`subscribe#${++opens}`) })
    const events = record(socket)
    await until(() => stream.received.includes('subscribe#1'))
    expect(stream.received).toContain('pong') // the ping never reached the user: answered by the heartbeat
    expect(events.some((e) => e.type === 'message' && (e.event as { data: string }).data.includes('ping'))).toBe(false)
    await auth.refresh() // rotate while connected
    stream.dropAll()
    await until(() => stream.received.includes('subscribe#2'))
    expect(stream.upgrades.map((u) => u.token)).toEqual(['tok-CANARY-1', 'tok-CANARY-2'])
    expect(events.filter((e) => e.type === 'open').map((e) => (e.event as AuthWebSocketEventMap['open']).reconnected)).toEqual([false, true])
    expect(JSON.stringify(events)).not.toContain('tok-CANARY')
  })

  it('an auth rejection renews once and reconnects once; a second one is a typed error and the end (no loop)', async () => {
    const { auth } = await setup()
    await auth.login()
    stream.state.refuseAll = true // the provider now refuses every token, renewed ones too
    socket = connectWebSocket(auth, fast)
    const events = record(socket)
    await until(() => socket!.state === 'closed')
    expect(stream.upgrades).toHaveLength(2)
    expect(api.count('/auth/refresh')).toBe(1)
    const errors = events.filter((e) => e.type === 'error').map((e) => (e.event as AuthWebSocketEventMap['error']).error)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(TokenExpiredError)
    expect(inspect(errors[0], { depth: 5 })).not.toContain('tok-CANARY')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stream.upgrades).toHaveLength(2)
  })

  it("the provider's auth close code on an open socket counts as a rejection too", async () => {
    const { auth } = await setup()
    socket = connectWebSocket(auth, fast)
    await until(() => socket!.state === 'open')
    stream.closeAll(4401)
    await until(() => stream.upgrades.length === 2 && socket!.state === 'open')
    expect(api.count('/auth/refresh')).toBe(1)
    expect(stream.upgrades.map((u) => u.token)).toEqual(['tok-CANARY-1', 'tok-CANARY-2'])
  })

  it('an upgrade answered 503 (an outage, not a rejection) is retried with backoff, with no renewal', async () => {
    const { auth } = await setup()
    stream.state.unavailable = 3
    socket = connectWebSocket(auth, fast)
    const events = record(socket)
    await until(() => socket!.state === 'open')
    expect(stream.upgrades).toHaveLength(4)
    expect(api.count('/auth/refresh')).toBe(0)
    expect(events.filter((e) => e.type === 'reconnecting')).toHaveLength(3)
    expect(events.filter((e) => e.type === 'error')).toHaveLength(0)
  })

  it('reconnects after a failed first connect', async () => {
    const { auth } = await setup()
    const refusing = stream.url.replace(/:\d+\//, ':1/') // nothing listens on port 1
    const flow = testFlow(`${api.origin}/api`, {
      stream: { urls: [refusing, stream.url], authenticate: (tokens, upgrade) => upgrade.url.searchParams.set('token', tokens!.accessToken) },
    })
    socket = connectWebSocket(createSession(flow), fast)
    const events = record(socket)
    await until(() => socket!.state === 'open')
    expect(events.filter((e) => e.type === 'reconnecting').length).toBeGreaterThanOrEqual(1)
    void auth
  })

  it('sends credentials only to the stream origins, never over ws: to a non-loopback host', async () => {
    const { auth } = await setup()
    expect(() => connectWebSocket(auth, { url: 'ws://127.0.0.2:9/stream' })).toThrow(ConfigError)
    const remote = createSession(testFlow(`${api.origin}/api`, { stream: { urls: ['ws://stream.example.com/'], authenticate: () => undefined } }))
    expect(() => connectWebSocket(remote)).toThrow(InsecureTransportError)
    expect(() => connectWebSocket(createSession(testFlow(`${api.origin}/api`)))).toThrow(/declares no realtime stream/)
  })

  it('a stream that needs headers refuses a WebSocket that cannot send them, with a typed error', async () => {
    const { auth } = await setup({
      stream: { urls: ['ws://127.0.0.1:9/'], needsHeaders: true, authenticate: (_t, upgrade) => void (upgrade.headers.cookie = 'a=b') },
    })
    class HeaderlessWebSocket {
      addEventListener() {}
      send() {}
      close() {}
    }
    socket = connectWebSocket(auth, { WebSocket: HeaderlessWebSocket })
    const events = record(socket)
    await until(() => socket!.state === 'closed')
    const error = events.find((e) => e.type === 'error')?.event as AuthWebSocketEventMap['error']
    expect(error.error).toBeInstanceOf(AuthError)
    expect(error.error).toMatchObject({ field: 'WebSocket' })
  })

  it('close() stops for good', async () => {
    const { auth } = await setup()
    socket = connectWebSocket(auth, fast)
    await until(() => socket!.state === 'open')
    await socket.close()
    expect(socket.state).toBe('closed')
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(stream.upgrades).toHaveLength(1)
    expect(() => socket!.send('x')).toThrow(/not open/)
  })
})
