import { type IncomingMessage, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { ConfigError } from '@authmux/core'
import { WebSocket, WebSocketServer } from 'ws'
import { parseCookies } from '../cookies.js'
import type { EmulatorResponse, UpgradeListener } from '../http-types.js'
import { redactHeaders } from '../redact.js'
import { faultResponse, type SharedControls } from '../server.js'
import type { ProviderName } from '../types.js'
import { createStreamLog, type StreamCredential, type StreamLog, type StreamLogEntry, type StreamLogRecorder, type StreamSubscriptionEntry } from './log.js'

// Stream timers run on real time, whatever fake timers a test installs (like the HTTP `delay` fault): heartbeats and
// pushes keep flowing while a client's own timers are faked. Use small intervals in tests.
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout
const realSetInterval = globalThis.setInterval
const realClearInterval = globalThis.clearInterval
type Timer = ReturnType<typeof globalThis.setTimeout>

/** Options of `streams.dropAll()`. */
export interface DropOptions {
  /** Close code sent in the close frame (default 1012 "service restart"). */
  code?: number
  /** Close reason (default empty). */
  reason?: string
  /** Destroy the TCP connection without a close frame; the client sees 1006 (default false). */
  abrupt?: boolean
}

/** Options of `streams.refuseUpgrades()`. Without `durationMs` and `times`, upgrades are refused until `cancel()`. */
export interface RefuseUpgradesOptions {
  /** HTTP status of the refusal (default 503). 401/403 look like an authentication rejection. */
  status?: number
  /** Refuse for this long, on the virtual clock (`clock.advance()` shortens it). */
  durationMs?: number
  /** Refuse only the next `times` upgrade attempts. */
  times?: number
  /** Response body (JSON-serialised unless a string); default: the provider's error body for `status`. */
  body?: unknown
}

/** Handle of an active `refuseUpgrades()` rule. */
export interface UpgradeRefusal {
  /** Upgrades refused so far by this rule. */
  readonly hits: number
  /** Whether the rule still refuses upgrades. */
  readonly active: boolean
  /** Stop refusing now. */
  cancel(): void
}

/** Controls every realtime endpoint has. */
export interface StreamControls {
  /** Every upgrade attempt, its credential (tagged, never the value), status and the subscriptions each socket made. */
  readonly log: StreamLog
  /** Sockets open now. */
  readonly openSockets: number
  /** Close every open socket of this emulator now; returns how many. */
  dropAll(options?: DropOptions): number
  /** Refuse upgrades (and, for ProjectX, negotiates) with an HTTP status, for a while or for the next N attempts. */
  refuseUpgrades(options?: RefuseUpgradesOptions): UpgradeRefusal
}

/** The parts of an upgrade request an endpoint looks at. */
export interface UpgradeRequest {
  path: string
  query: URLSearchParams
  /** Lower-cased header names. */
  headers: Record<string, string>
  cookies: Record<string, string>
}

/** Lets the host close a socket whose credential expired or was revoked (`closeOnTokenExpiry`). */
export interface CredentialWatch {
  /** Virtual-clock time the credential expires (epoch ms). */
  expiresAtMs?: number
  /** Whether the credential has been revoked since. */
  revoked(): boolean
}

/** An endpoint's verdict on an upgrade. Must not change state: faults may still refuse an admitted upgrade. */
export type Admission<S> =
  | { ok: true; credential?: StreamCredential; credentials: StreamCredential[]; state: S; watch?: CredentialWatch }
  | {
      ok: false
      status: number
      credential?: StreamCredential
      credentials: StreamCredential[]
      reason: string
      body?: unknown
      headers?: Record<string, string>
    }

/** What a provider's realtime endpoint implements. */
export interface StreamEndpoint<S> {
  /** Whether an upgrade to this path is the endpoint's (others get 404). */
  handles(path: string): boolean
  /** Authenticate the upgrade request. */
  admit(request: UpgradeRequest): Promise<Admission<S>>
  /** A socket opened: attach message handlers, timers. */
  open(connection: StreamConnection<S>): void
  /** The socket's credential expired or was revoked while `closeOnTokenExpiry` is on (default: close 1008). */
  expired?(connection: StreamConnection<S>): void
}

/** One open socket, as the endpoints see it. */
export class StreamConnection<S> {
  readonly state: S
  readonly entry: StreamLogEntry
  readonly watch: CredentialWatch | undefined
  readonly #ws: WebSocket
  readonly #host: StreamHost<S>
  readonly #timers = new Set<Timer>()
  readonly #closeHandlers: (() => void)[] = []
  #closing = false

  constructor(ws: WebSocket, host: StreamHost<S>, entry: StreamLogEntry, state: S, watch: CredentialWatch | undefined) {
    this.#ws = ws
    this.#host = host
    this.entry = entry
    this.state = state
    this.watch = watch
    ws.on('error', () => {})
    ws.on('message', () => {
      entry.received += 1
    })
    ws.on('close', (code) => {
      entry.open = false
      entry.closedAt = host.clock.now()
      entry.closeCode ??= code
      entry.closedBy ??= this.#closing ? 'server' : 'client'
      for (const timer of this.#timers) realClearTimeout(timer)
      this.#timers.clear()
      for (const handler of this.#closeHandlers) handler()
      host.forget(this)
    })
  }

  /** Open and not being closed by the server. */
  get isOpen(): boolean {
    return !this.#closing && this.#ws.readyState === WebSocket.OPEN
  }

  /** Send a text frame (counted in the log). Returns false when the socket is not open. */
  send(text: string): boolean {
    if (!this.isOpen) return false
    this.#ws.send(text)
    this.entry.sent += 1
    return true
  }

  /** Send `JSON.stringify(value)`. */
  sendJson(value: unknown): boolean {
    return this.send(JSON.stringify(value))
  }

  /** Text (or binary) frames from the client. */
  onMessage(handler: (text: string, isBinary: boolean) => void): void {
    this.#ws.on('message', (data, isBinary) => {
      if (this.#closing) return
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      handler(buffer.toString('utf8'), isBinary)
    })
  }

  /** Run when the socket has closed (either side). */
  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler)
  }

  /** Record a subscription-like operation in the log. */
  record(op: StreamSubscriptionEntry['op'], key: string, ok: boolean, error?: string): void {
    this.entry.subscriptions.push({ at: this.#host.clock.now(), op, key, ok, ...(error === undefined ? {} : { error }) })
    this.#host.log.changed()
  }

  /** A real-time timer cleared when the socket closes. */
  after(ms: number, fn: () => void): Timer {
    const timer = realSetTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, ms)
    this.#timers.add(timer)
    return timer
  }

  /** Cancel a timer made with `after()`. */
  cancel(timer: Timer | undefined): void {
    if (timer === undefined) return
    realClearTimeout(timer)
    this.#timers.delete(timer)
  }

  /** Close with a close frame; `why` goes to the log only. */
  close(code = 1000, reason = '', why?: string): void {
    if (this.#closing) return
    this.#closing = true
    this.entry.closeCode = code
    this.entry.closedBy = 'server'
    if (why !== undefined) this.entry.reason = why
    for (const timer of this.#timers) realClearTimeout(timer)
    this.#timers.clear()
    this.#ws.close(code, reason)
  }

  /** Destroy the connection without a close frame (the client sees 1006). */
  terminate(why?: string): void {
    if (this.#closing && this.#ws.readyState === WebSocket.CLOSED) return
    this.#closing = true
    this.entry.closeCode = 1006
    this.entry.closedBy = 'server'
    if (why !== undefined) this.entry.reason = why
    this.#ws.terminate()
  }
}

interface Refusal {
  status: number
  body: unknown
  untilMs: number | undefined
  remaining: number | undefined
  hits: number
  cancelled: boolean
}

/** Options of a stream host. */
export interface StreamHostOptions<S> {
  provider: ProviderName
  shared: SharedControls
  endpoint: StreamEndpoint<S>
  /** Provider-shaped error body for a status (the HTTP emulator's `faultBody`). */
  faultBody(status: number): unknown
  /** Close sockets whose credential expires or is revoked (default false; settable later). */
  closeOnTokenExpiry?: boolean
  /** How often (real ms) open sockets' credentials are checked when `closeOnTokenExpiry` is on (default 100). */
  expiryCheckMs?: number
}

const flatten = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  return out
}

/**
 * The realtime side of one emulator origin: takes the HTTP server's upgrade requests, applies injected faults and
 * refusals, asks the endpoint to authenticate, opens the socket with `ws` (noServer mode), tracks open sockets,
 * logs everything, runs per-emulator push timers while sockets are open and closes sockets whose token expired.
 */
export class StreamHost<S> implements UpgradeListener {
  readonly log: StreamLogRecorder
  readonly clock: SharedControls['clock']
  closeOnTokenExpiry: boolean
  #origin = ''
  readonly #options: StreamHostOptions<S>
  readonly #wss = new WebSocketServer({ noServer: true, clientTracking: false })
  readonly #connections = new Set<StreamConnection<S>>()
  readonly #repeaters: { ms: number; fn: () => void; timer?: ReturnType<typeof globalThis.setInterval> }[] = []
  #refusals: Refusal[] = []
  #expiryTimer: ReturnType<typeof globalThis.setInterval> | undefined
  #closed = false

  constructor(options: StreamHostOptions<S>) {
    this.#options = options
    this.clock = options.shared.clock
    this.log = createStreamLog(options.provider)
    this.closeOnTokenExpiry = options.closeOnTokenExpiry ?? false
    this.#wss.on('error', () => {})
  }

  /** `ws://127.0.0.1:PORT` once listening (empty before). */
  get wsOrigin(): string {
    return this.#origin.replace(/^http/, 'ws')
  }

  /** `http://127.0.0.1:PORT` once listening (empty before). */
  get httpOrigin(): string {
    return this.#origin
  }

  get openCount(): number {
    return this.#connections.size
  }

  /** Open sockets. */
  connections(): StreamConnection<S>[] {
    return [...this.#connections]
  }

  attach(origin: string): void {
    this.#origin = origin
  }

  /** Run `fn` every `ms` (real time) while at least one socket is open. `ms <= 0` never runs it. */
  every(ms: number, fn: () => void): void {
    if (!(ms > 0)) return
    const repeater: { ms: number; fn: () => void; timer?: ReturnType<typeof globalThis.setInterval> } = { ms, fn }
    this.#repeaters.push(repeater)
    if (this.#connections.size > 0) this.#startRepeater(repeater)
  }

  #startRepeater(repeater: { ms: number; fn: () => void; timer?: ReturnType<typeof globalThis.setInterval> }): void {
    if (repeater.timer !== undefined) return
    repeater.timer = realSetInterval(repeater.fn, repeater.ms)
    repeater.timer.unref?.()
  }

  #syncTimers(): void {
    const active = this.#connections.size > 0 && !this.#closed
    for (const repeater of this.#repeaters) {
      if (active) this.#startRepeater(repeater)
      else if (repeater.timer !== undefined) {
        realClearInterval(repeater.timer)
        repeater.timer = undefined
      }
    }
    const watching = active && this.closeOnTokenExpiry
    if (watching && this.#expiryTimer === undefined) {
      this.#expiryTimer = realSetInterval(() => this.checkExpiry(), this.#options.expiryCheckMs ?? 100)
      this.#expiryTimer.unref?.()
    } else if (!watching && this.#expiryTimer !== undefined) {
      realClearInterval(this.#expiryTimer)
      this.#expiryTimer = undefined
    }
  }

  /** Turn `closeOnTokenExpiry` on or off. */
  setCloseOnTokenExpiry(enabled: boolean): void {
    this.closeOnTokenExpiry = enabled
    this.#syncTimers()
  }

  /** Close now every socket whose credential has expired (virtual clock) or was revoked, when `closeOnTokenExpiry` is on. */
  checkExpiry(): number {
    if (!this.closeOnTokenExpiry) return 0
    const now = this.clock.now()
    let closed = 0
    for (const connection of [...this.#connections]) {
      const watch = connection.watch
      if (!watch || !connection.isOpen) continue
      const expired = watch.expiresAtMs !== undefined && now >= watch.expiresAtMs
      if (!expired && !watch.revoked()) continue
      closed += 1
      if (this.#options.endpoint.expired) this.#options.endpoint.expired(connection)
      else connection.close(1008, 'token expired', expired ? 'token expired' : 'token revoked')
    }
    return closed
  }

  forget(connection: StreamConnection<S>): void {
    this.#connections.delete(connection)
    this.#syncTimers()
    this.log.changed()
  }

  dropAll(options: DropOptions = {}): number {
    const open = [...this.#connections]
    for (const connection of open) {
      if (options.abrupt) connection.terminate('dropped')
      else connection.close(options.code ?? 1012, options.reason ?? '', 'dropped')
    }
    return open.length
  }

  refuseUpgrades(options: RefuseUpgradesOptions = {}): UpgradeRefusal {
    const status = options.status ?? 503
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new ConfigError('@authmux/testkit: streams.refuseUpgrades({ status }) must be an HTTP error status (400–599), e.g. 503 or 401.', {
        provider: this.#options.provider,
        field: 'status',
      })
    if (options.times !== undefined && !(options.times > 0))
      throw new ConfigError('@authmux/testkit: streams.refuseUpgrades({ times }) must be a positive number.', {
        provider: this.#options.provider,
        field: 'times',
      })
    const refusal: Refusal = {
      status,
      body: options.body === undefined ? this.#options.faultBody(status) : options.body,
      untilMs: options.durationMs === undefined ? undefined : this.clock.now() + options.durationMs,
      remaining: options.times,
      hits: 0,
      cancelled: false,
    }
    this.#refusals.push(refusal)
    const isActive = () =>
      !refusal.cancelled && (refusal.untilMs === undefined || this.clock.now() < refusal.untilMs) && (refusal.remaining === undefined || refusal.remaining > 0)
    return {
      get hits() {
        return refusal.hits
      },
      get active() {
        return isActive()
      },
      cancel: () => {
        refusal.cancelled = true
        this.#refusals = this.#refusals.filter((r) => r !== refusal)
      },
    }
  }

  /** The refusal that answers the next attempt, if any (consumes one of its `times`). */
  takeRefusal(): { status: number; body: unknown } | undefined {
    const now = this.clock.now()
    this.#refusals = this.#refusals.filter(
      (r) => !r.cancelled && (r.untilMs === undefined || now < r.untilMs) && (r.remaining === undefined || r.remaining > 0),
    )
    const refusal = this.#refusals[0]
    if (!refusal) return undefined
    refusal.hits += 1
    if (refusal.remaining !== undefined) refusal.remaining -= 1
    return { status: refusal.status, body: refusal.body }
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {})
    this.#upgrade(req, socket, head).catch(() => socket.destroy())
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { provider, shared, endpoint } = this.#options
    const url = new URL(req.url ?? '/', 'http://emulator.invalid')
    const headers = flatten(req)
    const base = { provider, kind: 'upgrade' as const, path: url.pathname, at: this.clock.now(), headers: redactHeaders(req.headers) }
    if (this.#closed) {
      socket.destroy()
      return
    }
    if (!endpoint.handles(url.pathname)) {
      this.log.record({ ...base, status: 404, credentials: [], reason: 'no stream endpoint at this path' })
      this.#writeResponse(socket, { status: 404 })
      return
    }
    const fault = shared.faults.take(provider, 'GET', url.pathname, { pathRequired: true })
    if (fault?.kind === 'delay') await new Promise((resolve) => realSetTimeout(resolve, fault.delayMs))
    const admission = await endpoint.admit({ path: url.pathname, query: url.searchParams, headers, cookies: parseCookies(headers.cookie) })
    const seen = { credentials: admission.credentials, ...(admission.credential ? { credential: admission.credential } : {}) }
    if (fault?.kind === 'reset') {
      this.log.record({ ...base, ...seen, status: 0, fault: 'reset' })
      socket.destroy()
      return
    }
    const injected = fault ? faultResponse(fault, this.#options) : undefined
    if (injected && fault) {
      this.log.record({ ...base, ...seen, status: injected.status, fault: fault.kind, reason: 'injected fault' })
      this.#writeResponse(socket, injected)
      return
    }
    const refusal = this.takeRefusal()
    if (refusal) {
      this.log.record({ ...base, ...seen, status: refusal.status, fault: 'refuse', reason: 'upgrades refused' })
      this.#writeResponse(socket, { status: refusal.status, ...(refusal.body === undefined ? {} : { body: refusal.body }) })
      return
    }
    if (!admission.ok) {
      this.log.record({ ...base, ...seen, status: admission.status, reason: admission.reason })
      this.#writeResponse(socket, {
        status: admission.status,
        ...(admission.body === undefined ? {} : { body: admission.body }),
        ...(admission.headers ? { headers: admission.headers } : {}),
      })
      return
    }
    if (this.#closed || socket.destroyed) {
      socket.destroy()
      return
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = this.log.record({ ...base, ...seen, status: 101, open: true })
      if (this.#closed) {
        ws.terminate()
        return
      }
      const connection = new StreamConnection(ws, this, entry, admission.state, admission.watch)
      this.#connections.add(connection)
      this.#syncTimers()
      endpoint.open(connection)
    })
  }

  /** Answer an upgrade request with a plain HTTP response and hang up. */
  #writeResponse(socket: Duplex, response: EmulatorResponse): void {
    if (socket.destroyed) return
    const text = response.raw ?? (response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body))
    const type = response.raw !== undefined ? (response.contentType ?? 'text/plain; charset=utf-8') : 'application/json; charset=utf-8'
    const lines = [
      `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Unknown'}`,
      'Connection: close',
      `Date: ${new Date(this.clock.now()).toUTCString()}`,
      ...Object.entries(response.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ...(text ? [`Content-Type: ${type}`] : []),
      `Content-Length: ${Buffer.byteLength(text)}`,
    ]
    socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`)
  }

  close(): void {
    this.#closed = true
    for (const connection of [...this.#connections]) connection.terminate('emulator closed')
    this.#connections.clear()
    this.#syncTimers()
    this.#wss.close()
  }
}
