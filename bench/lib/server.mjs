// A loopback API for the benchmarks, run in its own process so that client and server don't share an event loop.
// Tokens: POST /token issues `t<n>` with `expiresAt` (epoch ms); GET /data answers 200 for a live token, else 401.
// Control (no auth): GET /__stats, POST /__config { lifetimeMs, tokenDelayMs }, POST /__expire, POST /__reset.
import { createServer } from 'node:http'

let lifetimeMs = 3_600_000
let tokenDelayMs = 0
let issued = 0
let refreshes = 0
let requests = 0
let unauthorized = 0
/** token → expiresAt (epoch ms) */
const live = new Map()
const body = Buffer.from(JSON.stringify({ ok: true, items: [1, 2, 3] }))

function send(res, status, payload) {
  const data = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) })
  res.end(data)
}

function readJson(req) {
  return new Promise((resolve) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', () => {
      try {
        resolve(raw ? JSON.parse(raw) : {})
      } catch {
        resolve({})
      }
    })
  })
}

const server = createServer(async (req, res) => {
  const path = req.url.split('?')[0]
  if (path === '/data') {
    requests++
    const auth = req.headers.authorization ?? ''
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
    const expiresAt = live.get(token)
    if (expiresAt === undefined || Date.now() >= expiresAt) {
      unauthorized++
      return send(res, 401, { error: 'unauthorized' })
    }
    return send(res, 200, body)
  }
  if (path === '/token' && req.method === 'POST') {
    await readJson(req)
    refreshes++
    if (tokenDelayMs > 0) await new Promise((r) => setTimeout(r, tokenDelayMs))
    const token = `t${++issued}`
    const expiresAt = Date.now() + lifetimeMs
    live.set(token, expiresAt)
    return send(res, 200, { access_token: token, expires_at: expiresAt })
  }
  if (path === '/__stats') return send(res, 200, { refreshes, requests, unauthorized, issued })
  if (path === '/__config') {
    const config = await readJson(req)
    if (typeof config.lifetimeMs === 'number') lifetimeMs = config.lifetimeMs
    if (typeof config.tokenDelayMs === 'number') tokenDelayMs = config.tokenDelayMs
    return send(res, 200, { lifetimeMs, tokenDelayMs })
  }
  if (path === '/__expire') {
    live.clear()
    return send(res, 200, {})
  }
  if (path === '/__reset') {
    refreshes = requests = unauthorized = 0
    return send(res, 200, {})
  }
  send(res, 404, { error: 'not found' })
})
server.keepAliveTimeout = 60_000
server.maxHeadersCount = 0
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port })
})
process.on('disconnect', () => process.exit(0))
