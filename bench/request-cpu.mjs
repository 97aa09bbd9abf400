// 7) Client CPU per request, network removed: strategy.fetch (with its default request time limit, and with
// requestTimeoutMs: false) vs raw ofetch with a fixed header, all against the same stub fetch that answers at once.
// What this isolates is the work authmux adds on the request path (ownership check, header copy, attach, redirect
// loop, the shared deadline's bucket lookup). The stub ignores the signal, so what Node's fetch does with one is not
// in these figures: bench/overhead.mjs measures that over loopback HTTP. Paired: each round runs every client's batch in turn,
// in a rotating order; the figure is the median of the per-round CPU-time ratios (client / raw ofetch).
import { ofetch } from 'ofetch'
import { emit, importCore, median, result } from './lib/harness.mjs'

const BATCH = Number(process.env.BENCH_CPU_REQUESTS ?? 20_000)
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 9)
const BASE = 'https://api.bench.test'

const stubFetch = async () => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } })
const { createSession } = await importCore()
const flow = {
  name: 'bench',
  packageName: '@authmux/bench',
  baseURL: BASE,
  identity: 'bench',
  secrets: [],
  acquire: async () => ({ accessToken: 't-bench', expiresAt: Date.now() + 3_600_000 }),
  apply(tokens, request) {
    request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
  },
}
const timed = createSession(flow, { fetch: stubFetch })
const untimed = createSession(flow, { fetch: stubFetch, requestTimeoutMs: false })
await timed.ensureValid()
await untimed.ensureValid()
const raw = ofetch.create({ baseURL: BASE, headers: { authorization: 'Bearer t-bench' } }, { fetch: stubFetch })

const clients = {
  'raw ofetch': () => raw('/data'),
  'authmux strategy.fetch': () => timed.fetch('/data'),
  'authmux strategy.fetch, requestTimeoutMs: false': () => untimed.fetch('/data'),
}
const names = Object.keys(clients)

/** CPU µs (user + system) for one batch, 64 in flight. */
async function batch(fn) {
  const start = process.cpuUsage()
  let next = 0
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < BATCH) await fn()
    }),
  )
  const used = process.cpuUsage(start)
  return used.user + used.system
}

for (const name of names) await batch(clients[name]) // warm-up
const cpu = Object.fromEntries(names.map((n) => [n, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]
    cpu[name].push(await batch(clients[name]))
  }
}
const perRequest = (micros) => micros / BATCH
const rows = names
  .filter((n) => n !== 'raw ofetch')
  .map((name) => {
    const ratios = cpu[name].map((micros, round) => micros / cpu['raw ofetch'][round])
    return result(
      `request CPU: ${name} vs raw ofetch (stub fetch, ${BATCH} requests × ${ROUNDS} rounds)`,
      perRequest(median(cpu[name])),
      'µs CPU/request',
      perRequest(median(cpu['raw ofetch'])),
      {
        ratio: Math.round(median(ratios) * 10_000) / 10_000,
        pairRatios: ratios.map((x) => Math.round(x * 1000) / 1000),
      },
    )
  })
emit(rows)
timed.dispose()
untimed.dispose()
