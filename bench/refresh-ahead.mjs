// 3) Refresh-ahead latency: request latency (p50/p99) while the token rotates ROTATIONS times with the token
// endpoint delayed 300 ms, vs steady state (a long-lived token) under the same closed-loop load.
import { benchFlow, emit, importCore, load, percentile, result, startServer } from './lib/harness.mjs'

const ROTATIONS = Number(process.env.BENCH_ROTATIONS ?? 20)
const LIFETIME_MS = 1_000
const TOKEN_DELAY_MS = 300
const CONCURRENCY = 8

const { createSession } = await importCore()
const server = await startServer()
try {
  const options = { refreshWindow: { fraction: 0.5 }, mustRefreshBeforeExpiryMs: 100 }

  // Two sessions, measured in interleaved slices so machine noise hits both alike: a steady one (an hour-long token)
  // and a rotating one (1 s tokens refreshed from half-life in the background; the token endpoint takes 300 ms).
  await server.control('/__config', { lifetimeMs: 3_600_000, tokenDelayMs: 0 })
  const steady = createSession(benchFlow(server.url), options)
  await steady.ensureValid()
  await server.control('/__config', { lifetimeMs: LIFETIME_MS, tokenDelayMs: TOKEN_DELAY_MS })
  const rotating = createSession(benchFlow(server.url), options)
  await rotating.ensureValid()
  let rotations = 0
  rotating.on('refresh', () => rotations++)
  for (const session of [steady, rotating]) await load(() => session.fetch('/data'), { total: 1_000, concurrency: CONCURRENCY })

  await server.control('/__reset', {})
  rotations = 0
  const steadyLatencies = []
  const rotationLatencies = []
  for (let cycle = 1; cycle <= ROTATIONS; cycle++) {
    const until = performance.now() + 800
    await runUntil(
      () => performance.now() >= until,
      () => steady.fetch('/data'),
      steadyLatencies,
    )
    // Keep requesting through the rotating session until its next rotation has landed.
    const target = rotations + 1
    await runUntil(
      () => rotations >= target,
      () => rotating.fetch('/data'),
      rotationLatencies,
    )
  }
  steady.dispose()
  rotating.dispose()
  const stats = await server.stats()

  const p = (values, q) => percentile(values, q)
  const extra = { rotations, requests: rotationLatencies.length, steadyRequests: steadyLatencies.length, unauthorized: stats.unauthorized }
  const p99 = p(rotationLatencies, 99)
  const p99Steady = p(steadyLatencies, 99)
  emit([
    result(
      `refresh-ahead: p50 latency across ${ROTATIONS} rotations (token endpoint +${TOKEN_DELAY_MS} ms) vs steady`,
      p(rotationLatencies, 50),
      'ms',
      p(steadyLatencies, 50),
      extra,
    ),
    result(`refresh-ahead: p99 latency across ${ROTATIONS} rotations (token endpoint +${TOKEN_DELAY_MS} ms) vs steady`, p99, 'ms', p99Steady, {
      ...extra,
      goal: 'ratio ≤ 1.10',
      pass: p99 / p99Steady <= 1.1,
      max: p(rotationLatencies, 100),
      steadyMax: p(steadyLatencies, 100),
      over250ms: rotationLatencies.filter((v) => v > 250).length,
    }),
  ])
} finally {
  server.close()
}

async function runUntil(done, fn, latencies) {
  const worker = async () => {
    while (!done()) {
      const t = performance.now()
      await fn()
      latencies.push(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
}
