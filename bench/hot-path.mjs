// 4) Hot path: getHeaders() calls per second with a valid cached token (tinybench), vs a hand-written async
// function that returns the same header from a variable (the floor for any async auth hook).
import { Bench } from 'tinybench'
import { benchFlow, emit, importCore, result, startServer } from './lib/harness.mjs'

const { createSession } = await importCore()
const { createBearerAuth } = await import(new URL('../packages/bearer/dist/index.js', import.meta.url).href)
const server = await startServer()
try {
  const session = createSession(benchFlow(server.url))
  await session.ensureValid()
  const token = session.accessToken
  const bearer = createBearerAuth({ apiKey: 'k'.repeat(64), baseURL: server.url })
  const handWritten = async () => ({ authorization: `Bearer ${token}` })

  const bench = new Bench({ time: Number(process.env.BENCH_HOT_MS ?? 2_000), warmupTime: 300 })
  bench
    .add('hand-written async header', handWritten)
    .add('authmux session.getHeaders()', () => session.getHeaders())
    .add("authmux session.getHeaders({ url: '/data', method: 'GET' })", () => session.getHeaders({ url: '/data', method: 'GET' }))
    .add('@authmux/bearer getHeaders()', () => bearer.getHeaders())
  await bench.run()
  const ops = Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.throughput.mean]))
  const base = ops['hand-written async header']
  emit(
    bench.tasks
      .filter((t) => t.name !== 'hand-written async header')
      .map((t) =>
        result(`hot path: ${t.name} (cached token) vs hand-written async header`, ops[t.name], 'ops/s', base, {
          rme: Number(t.result.throughput.rme?.toFixed?.(2) ?? Number.NaN),
          meanLatencyNs: Math.round(t.result.latency.mean * 1e6),
        }),
      ),
  )
  session.dispose()
} finally {
  server.close()
}
