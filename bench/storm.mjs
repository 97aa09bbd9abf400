// 2) Refresh storm: STORM concurrent requests arrive when the token has just expired. Counts the calls to the token
// endpoint made by authmux (goal: 1) and by axios + axios-auth-refresh for the same storm (ratio = authmux / axios).
import axios from 'axios'
import createAuthRefreshInterceptor from 'axios-auth-refresh'
import { benchFlow, emit, importCore, result, startServer } from './lib/harness.mjs'

const STORM = Number(process.env.BENCH_STORM_REQUESTS ?? 10_000)

const { createSession } = await importCore()
const server = await startServer()
try {
  // authmux: the session's clock says the token expired; the server agrees (/__expire).
  let skewMs = 0
  const session = createSession(benchFlow(server.url), { now: () => Date.now() + skewMs, backgroundRefresh: false })
  await session.ensureValid()
  await server.control('/__expire', {})
  skewMs = 2 * 3_600_000
  await server.control('/__reset', {})
  const authmuxFailures = (await Promise.allSettled(Array.from({ length: STORM }, () => session.fetch('/data')))).filter((r) => r.status === 'rejected').length
  const authmux = await server.stats()
  session.dispose()

  // axios + axios-auth-refresh: reactive, on the 401s of the same storm. Default options (deduplicateRefresh: true
  // rejects the 401s that arrive while a refresh runs) and deduplicateRefresh: false (every 401 is retried).
  const viaAxios = {}
  for (const deduplicateRefresh of [true, false]) {
    const { data: first } = await axios.post(`${server.url}/token`, {})
    let token = first.access_token
    const ax = axios.create({ baseURL: server.url })
    ax.interceptors.request.use((config) => {
      config.headers.Authorization = `Bearer ${token}`
      return config
    })
    createAuthRefreshInterceptor(
      ax,
      async () => {
        const { data } = await axios.post(`${server.url}/token`, {})
        token = data.access_token
      },
      { deduplicateRefresh },
    )
    await server.control('/__expire', {})
    await server.control('/__reset', {})
    const failed = (await Promise.allSettled(Array.from({ length: STORM }, () => ax.get('/data')))).filter((r) => r.status === 'rejected').length
    const stats = await server.stats()
    viaAxios[deduplicateRefresh ? 'default' : 'noDedupe'] = { refreshCalls: stats.refreshes, unauthorized: stats.unauthorized, failedRequests: failed }
  }

  emit([
    result(
      `refresh storm: token calls for ${STORM} concurrent requests at expiry (authmux vs axios-auth-refresh, deduplicateRefresh: false)`,
      authmux.refreshes,
      'refresh calls',
      viaAxios.noDedupe.refreshCalls,
      {
        goal: 'value = 1',
        pass: authmux.refreshes === 1 && authmuxFailures === 0,
        authmux: { refreshCalls: authmux.refreshes, unauthorized: authmux.unauthorized, failedRequests: authmuxFailures },
        axiosAuthRefreshDeduplicateFalse: viaAxios.noDedupe,
        axiosAuthRefreshDefaultOptions: viaAxios.default,
      },
    ),
  ])
} finally {
  server.close()
}
