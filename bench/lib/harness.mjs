// Shared helpers: start the loopback server, control it, run a closed-loop load, statistics.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/** Starts bench/lib/server.mjs in a child process; resolves to { url, control, stats, close }. */
export async function startServer() {
  const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)))
  })
  const url = `http://127.0.0.1:${port}`
  const control = async (path, json) => {
    const res = await fetch(`${url}${path}`, { method: json ? 'POST' : 'GET', body: json ? JSON.stringify(json) : undefined })
    return res.json()
  }
  return {
    url,
    control,
    stats: () => control('/__stats'),
    close: () => {
      child.disconnect()
      child.kill()
    },
  }
}

/** Runs `total` calls of `fn` with `concurrency` in flight; returns elapsed ms. */
export async function load(fn, { total, concurrency, latencies }) {
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < total) {
      next++
      if (latencies) {
        const t = performance.now()
        await fn()
        latencies.push(performance.now() - t)
      } else {
        await fn()
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return performance.now() - started
}

export function median(values) {
  return percentile(values, 50)
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

export const round = (value, digits = 3) => Number(value.toFixed(digits))

/** One result row: `ratio` = value / baseline. */
export function result(name, value, unit, baseline, extra = {}) {
  return {
    name,
    value: round(value),
    unit,
    baseline: baseline === undefined ? null : round(baseline),
    ratio: baseline ? round(value / baseline, 4) : null,
    ...extra,
  }
}

/** Each benchmark script prints its rows as one JSON line prefixed with this marker. */
export const MARKER = '@@bench-results '
export function emit(rows) {
  process.stdout.write(`${MARKER}${JSON.stringify(rows)}\n`)
}

/** A minimal engine flow against the bench server: POST /token, Bearer header. */
export function benchFlow(baseURL) {
  return {
    name: 'bench',
    packageName: '@authmux/bench',
    baseURL,
    async acquire(ctx) {
      const { data } = await ctx.request({ url: '/token', json: { grant: 'client' } })
      return { accessToken: data.access_token, expiresAt: ctx.expiry({ expiresAt: data.expires_at }) }
    },
    async renew(_tokens, ctx) {
      const { data } = await ctx.request({ url: '/token', json: { grant: 'refresh' } })
      return { accessToken: data.access_token, expiresAt: ctx.expiry({ expiresAt: data.expires_at }) }
    },
    apply(tokens, request) {
      request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
    },
    isAuthEndpoint: (url) => url.pathname === '/token',
  }
}

export async function importCore() {
  return import(new URL('../../packages/core/dist/index.js', import.meta.url).href)
}
