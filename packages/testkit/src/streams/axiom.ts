import { randomBytes, randomInt } from 'node:crypto'
import type { UpgradeListener } from '../http-types.js'
import type { SharedControls } from '../server.js'
import { type StreamConnection, type StreamControls, StreamHost } from './host.js'
import { credentialTag, type StreamCredential, type StreamCredentialState } from './log.js'

/** Options of the Axiom WebSocket (the `cluster*` / `socket8` feeds, served on the emulator origin). */
export interface AxiomStreamOptions {
  /** Upgrade paths served (default `['/']`). Add aliases (`'/cluster3'` …) to test cluster fallbacks with path-scoped faults. */
  paths?: string[]
  /** Every joined room gets a push every this many ms (default 1000; 0 = only `push()`). */
  pushIntervalMs?: number
  /** Close a socket when the access token it connected with expires (virtual clock) or is revoked (default false). */
  closeOnTokenExpiry?: boolean
  /** Close code used then (default 1008, policy violation; the real server's behaviour is unknown). */
  tokenExpiryCloseCode?: number
  /** Require a `cf_clearance` cookie: `true` = any value, a string = exactly that value (default false). Missing → 403. */
  requireCfClearance?: boolean | string
  /** Require this `Origin` header (e.g. `https://axiom.trade`); another or none → 403 (default: not checked). */
  requireOrigin?: string
  /** How often (real ms) open sockets' tokens are checked when `closeOnTokenExpiry` is on (default 100). */
  expiryCheckMs?: number
}

/** Realtime controls of the Axiom emulator (`axiom.streams`). */
export interface AxiomStreams extends StreamControls {
  /** `ws://127.0.0.1:PORT/` (the first of `paths`). */
  readonly url: string
  /** Send `{"room": room, "content": content}` to every socket that joined `room` (generated content when omitted). Returns how many. */
  push(room: string, content?: unknown): number
  /** Turn `closeOnTokenExpiry` on or off for open and future sockets. */
  setCloseOnTokenExpiry(enabled: boolean): void
  /** Change the `cf_clearance` requirement (see `requireCfClearance`). */
  setCfClearanceRequired(required: boolean | string): void
  /** Close now the sockets whose access token expired or was revoked (when `closeOnTokenExpiry` is on). Returns how many. */
  checkExpiry(): number
}

/** What the emulator knows about an access token. */
export type AxiomAccessCheck =
  | { state: 'valid'; userId: string; expiresAtMs: number; serial?: number }
  | { state: Exclude<StreamCredentialState, 'valid' | 'unchecked'>; serial?: number }

interface State {
  userId: string
  rooms: Set<string>
}

const ACCESS = 'auth-access-token'
const REFRESH = 'auth-refresh-token'
const CF = 'cf_clearance'
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const base58 = (length: number) => Array.from({ length }, () => BASE58[randomInt(BASE58.length)]).join('')
const NAMES = ['Moon Cat', 'Based Frog', 'Solar Dog', 'Pixel Ape', 'Turbo Duck', 'Quiet Whale']

/** Build the Axiom realtime endpoint (providers.md 9.4): cookie auth on the upgrade, `join` rooms, `{room, content}` pushes. */
export function createAxiomStreams(
  shared: SharedControls,
  options: AxiomStreamOptions,
  deps: {
    checkAccess(token: string): Promise<AxiomAccessCheck>
    isRevoked(token: string): boolean
    serialOf(token: string): number | undefined
    faultBody(status: number): unknown
  },
): { listener: UpgradeListener; controls: AxiomStreams } {
  const paths = options.paths ?? ['/']
  const closeCode = options.tokenExpiryCloseCode ?? 1008
  let cfRequired = options.requireCfClearance ?? false
  const { clock } = shared
  const iso = () => new Date(clock.now()).toISOString()

  const host: StreamHost<State> = new StreamHost<State>({
    provider: 'axiom',
    shared,
    faultBody: deps.faultBody,
    closeOnTokenExpiry: options.closeOnTokenExpiry ?? false,
    ...(options.expiryCheckMs === undefined ? {} : { expiryCheckMs: options.expiryCheckMs }),
    endpoint: {
      handles: (path) => paths.includes(path),
      async admit(request) {
        const access = request.cookies[ACCESS]
        const refresh = request.cookies[REFRESH]
        const cf = request.cookies[CF]
        const credentials: StreamCredential[] = []
        let accessCheck: AxiomAccessCheck | undefined
        let accessCredential: StreamCredential | undefined
        if (access) {
          accessCheck = await deps.checkAccess(access)
          accessCredential = {
            via: `cookie:${ACCESS}`,
            tag: credentialTag(access),
            ...(accessCheck.serial === undefined ? {} : { serial: accessCheck.serial }),
            state: accessCheck.state,
          }
          credentials.push(accessCredential)
        }
        if (refresh) {
          const serial = deps.serialOf(refresh)
          credentials.push({ via: `cookie:${REFRESH}`, tag: credentialTag(refresh), ...(serial === undefined ? {} : { serial }), state: 'unchecked' })
        }
        const cfOk = cfRequired === false || (cf !== undefined && cf !== '' && (cfRequired === true || cf === cfRequired))
        if (cf) credentials.push({ via: `cookie:${CF}`, tag: credentialTag(cf), state: cfRequired === false ? 'unchecked' : cfOk ? 'valid' : 'invalid' })
        const seen = { credentials, ...(accessCredential ? { credential: accessCredential } : {}) }
        // Cloudflare sits in front of the socket server: its checks answer first.
        if (options.requireOrigin !== undefined && request.headers.origin !== options.requireOrigin)
          return { ok: false, status: 403, ...seen, reason: 'origin not allowed' }
        if (!cfOk) return { ok: false, status: 403, ...seen, reason: cf ? 'cf_clearance rejected' : 'cf_clearance missing' }
        if (!access || !accessCheck) return { ok: false, status: 401, ...seen, body: deps.faultBody(401), reason: `${ACCESS} cookie missing` }
        if (accessCheck.state !== 'valid') return { ok: false, status: 401, ...seen, body: deps.faultBody(401), reason: `access token ${accessCheck.state}` }
        if (!refresh) return { ok: false, status: 401, ...seen, body: deps.faultBody(401), reason: `${REFRESH} cookie missing` }
        return {
          ok: true,
          ...seen,
          state: { userId: accessCheck.userId, rooms: new Set<string>() },
          watch: { expiresAtMs: accessCheck.expiresAtMs, revoked: () => deps.isRevoked(access) },
        }
      },
      open: (connection) => open(connection),
      expired: (connection) => {
        const expiresAtMs = connection.watch?.expiresAtMs
        const why = expiresAtMs !== undefined && clock.now() >= expiresAtMs ? 'access token expired' : 'access token revoked'
        connection.close(closeCode, why, why)
      },
    },
  })

  function open(connection: StreamConnection<State>): void {
    connection.onMessage((text) => {
      // No error replies are documented: anything that is not a join/leave is ignored.
      let message: unknown
      try {
        message = JSON.parse(text)
      } catch {
        return
      }
      if (!message || typeof message !== 'object') return
      const { action, room } = message as Record<string, unknown>
      if (action !== 'join' && action !== 'leave') return
      if (typeof room !== 'string' || room === '') {
        connection.record(action, String(room), false, 'room must be a non-empty string')
        return
      }
      if (action === 'join') connection.state.rooms.add(room)
      else connection.state.rooms.delete(room)
      connection.record(action, room, true)
    })
  }

  /** Plausible content per room kind (shapes from the SDK's handlers where it reads fields; invented otherwise). */
  function contentFor(room: string): unknown {
    if (room === 'new_pairs') {
      const name = NAMES[randomInt(NAMES.length)] ?? 'Token'
      return {
        pair_address: base58(44),
        token_address: base58(44),
        creator: base58(44),
        token_name: name,
        token_ticker: name.replace(/\s+/g, '').slice(0, 6).toUpperCase(),
        token_decimals: 6,
        protocol: 'Pump V1',
        supply: 1_000_000_000,
        initial_liquidity_sol: Number((20 + Math.random() * 60).toFixed(3)),
        created_at: iso(),
      }
    }
    if (room.startsWith('e-')) return randomInt(1, 500)
    if (room.startsWith('s:')) return { active_users: randomInt(1, 500) }
    if (room.startsWith('v:')) {
      const sol = Number((Math.random() * 5).toFixed(4))
      return {
        created_at: iso(),
        maker_address: room.slice(2),
        type: Math.random() < 0.5 ? 'buy' : 'sell',
        total_sol: sol,
        total_usd: Number((sol * 150).toFixed(2)),
        signature: randomBytes(32).toString('hex'),
      }
    }
    return { price_sol: Number((Math.random() / 1000).toFixed(9)), timestamp: iso() }
  }

  function push(room: string, content?: unknown): number {
    const frame = JSON.stringify({ room, content: content === undefined ? contentFor(room) : content })
    let sent = 0
    for (const connection of host.connections()) if (connection.state.rooms.has(room) && connection.send(frame)) sent += 1
    return sent
  }

  host.every(options.pushIntervalMs ?? 1000, () => {
    const rooms = new Set<string>()
    for (const connection of host.connections()) for (const room of connection.state.rooms) rooms.add(room)
    for (const room of rooms) push(room)
  })

  const controls: AxiomStreams = {
    log: host.log,
    get url() {
      return `${host.wsOrigin}${paths[0] ?? '/'}`
    },
    get openSockets() {
      return host.openCount
    },
    dropAll: (o) => host.dropAll(o),
    refuseUpgrades: (o) => host.refuseUpgrades(o),
    push,
    setCloseOnTokenExpiry: (enabled) => host.setCloseOnTokenExpiry(enabled),
    setCfClearanceRequired(required) {
      cfRequired = required
    },
    checkExpiry: () => host.checkExpiry(),
  }
  return { listener: host, controls }
}
