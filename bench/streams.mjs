// 8) Streams, against the in-process testkit emulators (run with `node --expose-gc`):
//  (a) reconnect time after a server drop: from `streams.dropAll()` to the first data message on the new socket
//      (TradeReady ticks, Axiom room pushes, both every PUSH_MS), median and p99 over DROPS drops. authmux with the
//      backoff off (baseDelayMs 0: the engine's own cost) side by side with a hand-written `ws` client that reconnects
//      at once, in alternating blocks; and authmux with its default policy (0–500 ms full jitter), report only.
//  (b) heap per idle open TradeReady stream: SOCKETS streams open and subscribed in one process, ticker off, after GC;
//      the emulator's side of each socket is in the same heap, so the baseline is SOCKETS raw `ws` sockets doing the
//      same, and the difference is what authmux adds per stream.
//  (c) SOCKETS concurrent TradeReady streams: time until all are open, until all subscriptions are confirmed, and
//      until one push has reached all of them; baseline: raw `ws` sockets.
// Every wait has a deadline, and the whole benchmark stops itself after 150 s (it takes about 40 s).
import { createRequire } from 'node:module'
import { emit, importCore, median, percentile, result, round } from './lib/harness.mjs'

if (typeof globalThis.gc !== 'function') throw new Error('streams: run with node --expose-gc')
const DROPS = Number(process.env.BENCH_STREAM_DROPS ?? 200)
const DEFAULT_POLICY_DROPS = Number(process.env.BENCH_STREAM_POLICY_DROPS ?? 40)
const SOCKETS = Number(process.env.BENCH_STREAM_SOCKETS ?? 1_000)
const PUSH_MS = 5
const BLOCK = 20
const SYMBOL = 'BTCUSDT'
const ROOM = 'new_pairs'

const watchdog = setTimeout(() => {
  console.error('streams: still running after 150 s; giving up')
  process.exit(1)
}, 150_000)
watchdog.unref()

const pkg = (path) => new URL(`../packages/${path}`, import.meta.url).href
const { MemoryTokenStore } = await importCore()
const { startTradeReadyEmulator, startAxiomEmulator } = await import(pkg('testkit/dist/index.js'))
const { createTradeReadyAuth } = await import(pkg('key-secret-jwt/dist/stream.js'))
const { createAxiomAuth } = await import(pkg('password-login/dist/stream.js'))
// The `ws` package the emulators use (a dependency of the testkit; authmux loads its own copy the same way).
const { WebSocket } = createRequire(new URL('../packages/testkit/package.json', import.meta.url))('ws')

const heap = () => {
  for (let i = 0; i < 3; i++) globalThis.gc()
  return process.memoryUsage()
}

/** Resolves when `done()` holds (checked every 2 ms); rejects after `ms`. */
async function until(done, ms, what) {
  const deadline = performance.now() + ms
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`streams: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/**
 * A stream client as the drop loop sees it: `gen` counts connections, `onData` is called for every data message
 * with the connection it arrived on. `waitData(pred)` resolves with the time of the first data message whose
 * connection satisfies `pred`.
 */
function probe() {
  const waiters = new Set()
  const state = {
    gen: 0,
    seen: 0,
    opened() {
      state.gen++
    },
    data() {
      state.seen = state.gen
      const now = performance.now()
      for (const w of waiters) {
        if (w.pred(state.gen)) {
          waiters.delete(w)
          w.resolve(now)
        }
      }
    },
    waitData(pred, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const w = { pred, resolve }
        waiters.add(w)
        setTimeout(() => {
          if (waiters.delete(w)) reject(new Error('streams: no data message on a new socket within 10 s of the drop'))
        }, ms).unref()
      })
    },
  }
  return state
}

/** `n` drops of every socket on `emulator`, each timed from the drop to the first data message on a new socket. */
async function timeDrops(client, emulator, n) {
  const samples = []
  for (let i = 0; i < n; i++) {
    await until(() => client.seen === client.gen && client.gen > 0, 10_000, 'a data message on the current socket')
    const genBefore = client.gen
    const arrived = client.waitData((gen) => gen > genBefore)
    const t0 = performance.now()
    const closed = emulator.streams.dropAll()
    if (closed !== 1) throw new Error(`streams: expected one socket to drop, dropped ${closed}`)
    samples.push((await arrived) - t0)
  }
  return samples
}

// ── TradeReady clients ──────────────────────────────────────────────────────────────────────────────────────────
function authmuxTicker(tradeready, reconnect) {
  const client = probe()
  const stream = tradeready.connectWebSocket({ reconnect })
  stream.on('open', () => client.opened())
  stream.on('message', ({ data }) => {
    if (data.includes('"price"')) client.data()
  })
  stream.subscribe({ channel: 'ticker', symbol: SYMBOL }).catch(() => {})
  return { client, close: () => stream.close() }
}

function rawTicker(url, apiKey) {
  const client = probe()
  let ws
  let stopped = false
  const connect = () => {
    ws = new WebSocket(`${url}?api_key=${encodeURIComponent(apiKey)}`)
    ws.on('open', () => {
      client.opened()
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticker', symbol: SYMBOL }))
    })
    ws.on('message', (raw) => {
      const data = String(raw)
      if (data.includes('"ping"')) ws.send('{"action":"pong"}')
      else if (data.includes('"price"')) client.data()
    })
    ws.on('error', () => {})
    ws.on('close', () => {
      if (!stopped) connect()
    })
  }
  connect()
  return {
    client,
    close: async () => {
      stopped = true
      ws.close()
    },
  }
}

// ── Axiom clients ───────────────────────────────────────────────────────────────────────────────────────────────
function authmuxFeed(axiom, reconnect) {
  const client = probe()
  const feed = axiom.connectWebSocket({ rooms: [ROOM], reconnect })
  feed.on('open', () => client.opened())
  feed.on('message', ({ data }) => {
    if (data.includes('"room"')) client.data()
  })
  return { client, close: () => feed.close() }
}

function rawFeed(url, cookie) {
  const client = probe()
  let ws
  let stopped = false
  const connect = () => {
    ws = new WebSocket(url, { headers: { cookie, origin: 'https://axiom.trade' } })
    ws.on('open', () => {
      client.opened()
      ws.send(JSON.stringify({ action: 'join', room: ROOM }))
    })
    ws.on('message', (raw) => {
      if (String(raw).includes('"room"')) client.data()
    })
    ws.on('error', () => {})
    ws.on('close', () => {
      if (!stopped) connect()
    })
  }
  connect()
  return {
    client,
    close: async () => {
      stopped = true
      ws.close()
    },
  }
}

/** Alternating blocks of BLOCK drops: authmux (no backoff), raw ws, …; then the default policy. */
async function reconnectFigures(label, emulator, open) {
  const authmux = []
  const raw = []
  for (let done = 0; done < DROPS; done += BLOCK) {
    const size = Math.min(BLOCK, DROPS - done)
    for (const [side, samples] of [
      ['authmux', authmux],
      ['raw', raw],
    ]) {
      const { client, close } = open(side, { baseDelayMs: 0 })
      samples.push(...(await timeDrops(client, emulator, size)))
      await close()
      await until(() => emulator.streams.openSockets === 0, 5_000, 'the sockets to close')
    }
  }
  const { client, close } = open('authmux', undefined)
  const policy = await timeDrops(client, emulator, DEFAULT_POLICY_DROPS)
  await close()

  const what = `${label}: drop → first message on the new socket (pushes every ${PUSH_MS} ms)`
  const details = (samples) => ({ drops: samples.length, minMs: round(Math.min(...samples)), maxMs: round(Math.max(...samples)) })
  return [
    result(`streams: ${what}, median, backoff off, vs hand-written ws reconnect`, median(authmux), 'ms', median(raw), {
      ...details(authmux),
      baselineP99Ms: round(percentile(raw, 99)),
    }),
    result(`streams: ${what}, p99, backoff off, vs hand-written ws reconnect`, percentile(authmux, 99), 'ms', percentile(raw, 99), details(authmux)),
    result(`streams: ${what}, median, default reconnect policy (0–500 ms full jitter)`, median(policy), 'ms', undefined, details(policy)),
    result(`streams: ${what}, p99, default reconnect policy (0–500 ms full jitter)`, percentile(policy, 99), 'ms', undefined, details(policy)),
  ]
}

const rows = []

// (a) TradeReady
{
  const emulator = await startTradeReadyEmulator({ streams: { tickerIntervalMs: PUSH_MS } })
  const { apiKey, apiSecret } = emulator.credentials
  const tradeready = createTradeReadyAuth({ apiKey, apiSecret, baseURL: emulator.url, env: false })
  const open = (side, reconnect) => (side === 'authmux' ? authmuxTicker(tradeready, reconnect) : rawTicker(emulator.streams.url, apiKey))
  rows.push(...(await reconnectFigures('TradeReady ticker', emulator, open)))
  tradeready.dispose()
  await emulator.close()
}

// (a) Axiom
{
  const emulator = await startAxiomEmulator({ streams: { pushIntervalMs: PUSH_MS } })
  const { email, password } = emulator.credentials
  const store = new MemoryTokenStore()
  const axiom = createAxiomAuth({ baseURL: emulator.url, email, password, store, env: false, otp: async () => emulator.inbox.latestCode(email) })
  await axiom.login()
  const tokens = await store.get(await axiom.storeKey())
  const cookie = `auth-access-token=${tokens.accessToken}; auth-refresh-token=${tokens.refreshToken}`
  const open = (side, reconnect) => (side === 'authmux' ? authmuxFeed(axiom, reconnect) : rawFeed(emulator.streams.url, cookie))
  rows.push(...(await reconnectFigures('Axiom new_pairs', emulator, open)))
  axiom.dispose()
  await emulator.close()
}

// (b) + (c) SOCKETS TradeReady streams in one process
{
  const emulator = await startTradeReadyEmulator({ streams: { tickerIntervalMs: 0 } })
  const { apiKey, apiSecret } = emulator.credentials
  const tradeready = createTradeReadyAuth({ apiKey, apiSecret, baseURL: emulator.url, env: false })
  const url = `${emulator.streams.url}?api_key=${encodeURIComponent(apiKey)}`

  const openAuthmux = async (n) => {
    let opened = 0
    let ticks = 0
    const streams = []
    const t0 = performance.now()
    for (let i = 0; i < n; i++) {
      const stream = tradeready.connectWebSocket()
      stream.on('open', () => opened++)
      stream.on('message', ({ data }) => {
        if (data.includes('"price"')) ticks++
      })
      streams.push(stream)
    }
    await until(() => opened === n, 60_000, `${n} authmux streams to open`)
    const openMs = performance.now() - t0
    const t1 = performance.now()
    await Promise.all(streams.map((s) => s.subscribe({ channel: 'ticker', symbol: SYMBOL })))
    const subscribeMs = performance.now() - t1
    const t2 = performance.now()
    emulator.streams.pushTicker(SYMBOL)
    await until(() => ticks === n, 30_000, `a push to reach ${n} authmux streams`)
    const pushMs = performance.now() - t2
    return { openMs, subscribeMs, pushMs, close: () => Promise.all(streams.map((s) => s.close())) }
  }

  const openRaw = async (n) => {
    let opened = 0
    let subscribed = 0
    let ticks = 0
    const sockets = []
    const t0 = performance.now()
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(url)
      ws.on('open', () => opened++)
      ws.on('message', (raw) => {
        const data = String(raw)
        if (data.includes('"ping"')) ws.send('{"action":"pong"}')
        else if (data.includes('"subscribed"')) subscribed++
        else if (data.includes('"price"')) ticks++
      })
      ws.on('error', () => {})
      sockets.push(ws)
    }
    await until(() => opened === n, 60_000, `${n} raw sockets to open`)
    const openMs = performance.now() - t0
    const t1 = performance.now()
    for (const ws of sockets) ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticker', symbol: SYMBOL }))
    await until(() => subscribed === n, 30_000, `${n} raw subscriptions`)
    const subscribeMs = performance.now() - t1
    const t2 = performance.now()
    emulator.streams.pushTicker(SYMBOL)
    await until(() => ticks === n, 30_000, `a push to reach ${n} raw sockets`)
    const pushMs = performance.now() - t2
    return {
      openMs,
      subscribeMs,
      pushMs,
      close: async () => {
        for (const ws of sockets) ws.close()
      },
    }
  }

  /** Opens `n` with `open`, measures the heap once they idle, closes them; the emulator's log is cleared around it. */
  const measure = async (open, n) => {
    emulator.streams.log.clear()
    const before = heap()
    const run = await open(n)
    if (emulator.streams.openSockets !== n) throw new Error(`streams: ${emulator.streams.openSockets} sockets open at the emulator, expected ${n}`)
    await new Promise((resolve) => setTimeout(resolve, 200)) // let the last frames settle: idle
    const after = heap()
    await run.close()
    await until(() => emulator.streams.openSockets === 0, 30_000, 'every socket to close')
    emulator.streams.log.clear()
    return {
      ...run,
      heapPerStream: (after.heapUsed - before.heapUsed) / n,
      externalPerStream: (after.external - before.external) / n,
      rssPerStream: (after.rss - before.rss) / n,
    }
  }

  // Warm-up (JIT, module state), then raw, authmux, raw, authmux; the figures are the second of each.
  await measure(openRaw, 100)
  await measure(openAuthmux, 100)
  await measure(openRaw, SOCKETS)
  await measure(openAuthmux, SOCKETS)
  const raw = await measure(openRaw, SOCKETS)
  const authmux = await measure(openAuthmux, SOCKETS)
  tradeready.dispose()
  await emulator.close()

  const side = (m) => ({
    heapPerStreamBytes: round(m.heapPerStream, 0),
    externalPerStreamBytes: round(m.externalPerStream, 0),
    rssPerStreamBytes: round(m.rssPerStream, 0),
    openMs: round(m.openMs),
    subscribeMs: round(m.subscribeMs),
    pushMs: round(m.pushMs),
  })
  const note = 'the in-process emulator holds the server side of every socket in the same heap; raw ws pays it too'
  rows.push(
    result(
      `streams: heap per idle open TradeReady stream (${SOCKETS} open and subscribed in one process, server side included)`,
      authmux.heapPerStream,
      'bytes',
      raw.heapPerStream,
      {
        note,
        authmux: side(authmux),
        rawWs: side(raw),
      },
    ),
    result(
      `streams: heap authmux adds per idle TradeReady stream over a raw ws socket (${SOCKETS} open)`,
      authmux.heapPerStream - raw.heapPerStream,
      'bytes',
      undefined,
      {
        note: 'difference of the two heap figures: the reconnecting socket, its listeners, the held subscription',
      },
    ),
    result(`streams: time to open ${SOCKETS} concurrent TradeReady streams (all open)`, authmux.openMs, 'ms', raw.openMs),
    result(`streams: time until all ${SOCKETS} TradeReady subscriptions are confirmed`, authmux.subscribeMs, 'ms', raw.subscribeMs),
    result(`streams: time for one ticker push to reach all ${SOCKETS} TradeReady streams`, authmux.pushMs, 'ms', raw.pushMs),
  )
}

emit(rows)
