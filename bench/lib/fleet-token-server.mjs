// The token API of the fleet benchmark, in its own process: per-account tokens with rotating refresh tokens.
// POST /token { account, grant: 'client' | 'refresh', refresh_token } → { access_token, refresh_token, expires_at }.
// A refresh presenting the account's current refresh token starts a new generation; one presenting an older one is a
// duplicate (another process refreshed the same generation): counted, still answered. GET /data: 200 for a live token.
// Control: GET /__stats, POST /__config { lifetimeMs }, POST /__reset.
import { createServer } from 'node:http'

let lifetimeMs = 3_600_000
let counts = { logins: 0, refreshes: 0, generations: 0, duplicates: 0, requests: 0, unauthorized: 0 }
/** account → { refresh: current refresh token, n } */
const accounts = new Map()
/** access token → expiresAt */
const live = new Map()
const body = Buffer.from('{"ok":true}')
let serial = 0

function send(res, status, payload) {
  const data = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) })
  res.end(data)
}

const readJson = (req) =>
  new Promise((resolve) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', () => resolve(raw ? JSON.parse(raw) : {}))
  })

function issue(account) {
  const state = accounts.get(account) ?? { refresh: '', tokens: [] }
  const access = `a${++serial}`
  const expiresAt = Date.now() + lifetimeMs
  live.set(access, expiresAt)
  state.tokens.push(access)
  while (state.tokens.length > 3) live.delete(state.tokens.shift())
  state.refresh = `r${serial}`
  accounts.set(account, state)
  return { access_token: access, refresh_token: state.refresh, expires_at: expiresAt }
}

const server = createServer(async (req, res) => {
  const path = req.url.split('?')[0]
  if (path === '/data') {
    counts.requests++
    const token = (req.headers.authorization ?? '').slice(7)
    const expiresAt = live.get(token)
    if (expiresAt === undefined || Date.now() >= expiresAt) {
      counts.unauthorized++
      return send(res, 401, { error: 'unauthorized' })
    }
    return send(res, 200, body)
  }
  if (path === '/token') {
    const { account, grant, refresh_token: refreshToken } = await readJson(req)
    if (grant === 'refresh') {
      counts.refreshes++
      if (accounts.get(account)?.refresh === refreshToken) counts.generations++
      else counts.duplicates++
    } else counts.logins++
    return send(res, 200, issue(account))
  }
  if (path === '/__stats') return send(res, 200, counts)
  if (path === '/__config') {
    const config = await readJson(req)
    if (typeof config.lifetimeMs === 'number') lifetimeMs = config.lifetimeMs
    return send(res, 200, { lifetimeMs })
  }
  if (path === '/__reset') {
    counts = { logins: 0, refreshes: 0, generations: 0, duplicates: 0, requests: 0, unauthorized: 0 }
    return send(res, 200, {})
  }
  send(res, 404, { error: 'not found' })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }))
process.on('disconnect', () => process.exit(0))
