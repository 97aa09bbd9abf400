// 1) Overhead of an authenticated request: N requests at concurrency C through strategy.fetch vs raw ofetch with a
// fixed header vs axios + axios-auth-refresh vs ky with a beforeRequest hook; strategy.fetch also without its default
// request time limit (requestTimeoutMs: false), to show what the shared deadlines cost, and raw ofetch with its own
// `timeout` for what a time limit costs a hand-written client. Paired rounds: in every round each
// client's N requests are sent in SLICES slices interleaved with the same slices of raw ofetch (A B B A …), so a
// slow spell of the (shared, virtual) machine hits both sides of a pair alike. A round's time is the sum of its
// slices. value = median client round, baseline = median round of its raw partner, ratio = median per-round ratio.
import axios from 'axios'
import createAuthRefreshInterceptor from 'axios-auth-refresh'
import ky from 'ky'
import { ofetch } from 'ofetch'
import { benchFlow, emit, importCore, load, median, result, startServer } from './lib/harness.mjs'

const TOTAL = Number(process.env.BENCH_OVERHEAD_REQUESTS ?? 20_000)
const CONCURRENCY = 64
const ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 5)
const SLICES = 10

const { createSession } = await importCore()
const server = await startServer()
try {
  const session = createSession(benchFlow(server.url))
  await session.ensureValid()
  const token = session.accessToken
  // The same engine without the default request time limit (the shared deadline sweep), for the side-by-side cost.
  const untimed = createSession(benchFlow(server.url), { requestTimeoutMs: false })
  await untimed.setTokens({ accessToken: token, expiresAt: session.expiresAt })

  const raw = ofetch.create({ baseURL: server.url, headers: { authorization: `Bearer ${token}` } })
  // What a time limit costs a hand-written client: ofetch's own `timeout` (a signal per request).
  const rawTimed = ofetch.create({ baseURL: server.url, headers: { authorization: `Bearer ${token}` }, timeout: 30_000 })
  const ax = axios.create({ baseURL: server.url })
  let axiosToken = token
  ax.interceptors.request.use((config) => {
    config.headers.Authorization = `Bearer ${axiosToken}`
    return config
  })
  createAuthRefreshInterceptor(ax, async () => {
    const { data } = await axios.post(`${server.url}/token`, {})
    axiosToken = data.access_token
  })
  const kyClient = ky.create({
    prefixUrl: server.url,
    retry: 0,
    hooks: { beforeRequest: [(request) => request.headers.set('authorization', `Bearer ${token}`)] },
  })

  const clients = {
    'raw ofetch': () => raw('/data'),
    'authmux strategy.fetch': () => session.fetch('/data'),
    'authmux strategy.fetch, requestTimeoutMs: false': () => untimed.fetch('/data'),
    'raw ofetch with timeout: 30_000': () => rawTimed('/data'),
    'axios + axios-auth-refresh': () => ax.get('/data'),
    'ky + beforeRequest hook': () => kyClient.get('data').json(),
  }
  const names = Object.keys(clients)
  // Warm up every client (connections, JIT).
  for (const name of names) await load(clients[name], { total: 2_000, concurrency: CONCURRENCY })

  const others = names.filter((n) => n !== 'raw ofetch')
  const slice = (name) => load(clients[name], { total: TOTAL / SLICES, concurrency: CONCURRENCY })
  /** One round of `name` against raw ofetch: [client ms, raw ms], each the sum of SLICES interleaved slices. */
  const pairedRound = async (name) => {
    let clientMs = 0
    let rawMs = 0
    for (let k = 0; k < SLICES; k++) {
      const rawFirst = k % 4 === 0 || k % 4 === 3
      if (rawFirst) rawMs += await slice('raw ofetch')
      clientMs += await slice(name)
      if (!rawFirst) rawMs += await slice('raw ofetch')
    }
    return [clientMs, rawMs]
  }
  const pairs = Object.fromEntries(others.map((n) => [n, { client: [], raw: [], ratios: [] }]))
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < others.length; i++) {
      const name = others[(i + r) % others.length]
      const [clientMs, rawMs] = await pairedRound(name)
      pairs[name].client.push(clientMs)
      pairs[name].raw.push(rawMs)
      pairs[name].ratios.push(clientMs / rawMs)
    }
  }
  const stats = await server.stats()
  if (stats.unauthorized > 0) throw new Error(`overhead: ${stats.unauthorized} requests were refused; the benchmark is invalid`)

  const rows = others.map((name) => {
    const { client, raw: rawRuns, ratios } = pairs[name]
    const ratio = median(ratios)
    const authmux = name.startsWith('authmux')
    return result(
      `overhead: ${name} (${TOTAL} req, c=${CONCURRENCY}, ${ROUNDS} paired rounds of ${SLICES} interleaved slices)`,
      median(client),
      'ms',
      median(rawRuns),
      {
        ratio: Math.round(ratio * 10_000) / 10_000,
        goal: authmux ? 'ratio ≤ 1.03' : undefined,
        pass: authmux ? ratio <= 1.03 : undefined,
        rounds: client.map((t) => Math.round(t)),
        baselineRounds: rawRuns.map((t) => Math.round(t)),
        pairRatios: ratios.map((x) => Math.round(x * 1000) / 1000),
        requestsPerSecond: Math.round(TOTAL / (median(client) / 1000)),
      },
    )
  })
  emit(rows)
  session.dispose()
  untimed.dispose()
} finally {
  server.close()
}
