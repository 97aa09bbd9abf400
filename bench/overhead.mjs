// 1) Overhead of an authenticated request: N requests at concurrency C through strategy.fetch vs raw ofetch with a
// fixed header vs axios + axios-auth-refresh vs ky with a beforeRequest hook. Rounds are interleaved (the client
// order rotates every round) and the median round time per client is reported; ratio = client / raw ofetch.
import axios from 'axios'
import createAuthRefreshInterceptor from 'axios-auth-refresh'
import ky from 'ky'
import { ofetch } from 'ofetch'
import { benchFlow, emit, importCore, load, median, result, startServer } from './lib/harness.mjs'

const TOTAL = Number(process.env.BENCH_OVERHEAD_REQUESTS ?? 20_000)
const CONCURRENCY = 64
const ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 5)

const { createSession } = await importCore()
const server = await startServer()
try {
  const session = createSession(benchFlow(server.url))
  await session.ensureValid()
  const token = session.accessToken

  const raw = ofetch.create({ baseURL: server.url, headers: { authorization: `Bearer ${token}` } })
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
    'axios + axios-auth-refresh': () => ax.get('/data'),
    'ky + beforeRequest hook': () => kyClient.get('data').json(),
  }
  const names = Object.keys(clients)
  // Warm up every client (connections, JIT).
  for (const name of names) await load(clients[name], { total: 2_000, concurrency: CONCURRENCY })

  const times = Object.fromEntries(names.map((n) => [n, []]))
  for (let r = 0; r < ROUNDS; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length])
    for (const name of order) times[name].push(await load(clients[name], { total: TOTAL, concurrency: CONCURRENCY }))
  }
  const stats = await server.stats()
  if (stats.unauthorized > 0) throw new Error(`overhead: ${stats.unauthorized} requests were refused; the benchmark is invalid`)

  const base = median(times['raw ofetch'])
  const rows = names
    .filter((n) => n !== 'raw ofetch')
    .map((name) =>
      result(`overhead: ${name} (${TOTAL} req, c=${CONCURRENCY}, median of ${ROUNDS})`, median(times[name]), 'ms', base, {
        goal: name.startsWith('authmux') ? 'ratio ≤ 1.03' : undefined,
        pass: name.startsWith('authmux') ? median(times[name]) / base <= 1.03 : undefined,
        rounds: times[name].map((t) => Math.round(t)),
        baselineRounds: times['raw ofetch'].map((t) => Math.round(t)),
        requestsPerSecond: Math.round(TOTAL / (median(times[name]) / 1000)),
      }),
    )
  emit(rows)
  session.dispose()
} finally {
  server.close()
}
