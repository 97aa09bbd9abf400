// Testing a bot against the emulators: a virtual clock instead of sleeping, injected faults, and the request log and
// counters to assert on. The same calls work inside your own tests (vitest, node:test …).
//
//   node examples/emulator-faults.mjs
import { createApalaAuth } from '@authmux/api-key-refresh'
import { startEmulators } from '@authmux/testkit'

const emu = await startEmulators({ lifetimes: { apala: { accessSeconds: 600, refreshSeconds: 3_600 } } })
// `now` reads the emulators' clock, so moving that clock ages the client's tokens too.
const apala = createApalaAuth({ apiKey: emu.credentials.apala.apiKey, baseURL: emu.urls.apala, env: false, now: () => emu.clock.now() })
const optimize = () => apala.fetch('/api/message_optimizer', { method: 'POST', body: { message: { content: 'Hi', channel: 'SMS' } } })
const stats = () => emu.stats.get('apala')

try {
  await optimize()
  console.log(`first call: ${stats().logins} login, ${stats().refreshes} refreshes`)

  emu.clock.advance(590_000) // 10 s before expiry: past the must-refresh point (30 s)
  await optimize()
  console.log(`after the clock moved 590 s: ${stats().refreshes} refresh, the call waited for it`)

  emu.faults.inject({ provider: 'apala', path: '/api/message_optimizer', fault: 401 })
  await optimize()
  console.log(`injected 401: ${stats().unauthorized} unauthorized answer, token renewed, request replayed once`)

  emu.faults.inject({ provider: 'apala', path: '/api/auth/refresh', fault: 503, times: 2 })
  await apala.refresh()
  const refreshes = emu.requests.list({ provider: 'apala', path: '/api/auth/refresh' }).slice(-3)
  console.log(`503 ×2 on the refresh: retried with backoff, answers ${refreshes.map((r) => r.status).join(', ')}`)

  const calls = emu.requests.list({ provider: 'apala', path: '/api/message_optimizer' })
  console.log(`request log: ${calls.length} optimizer calls, answers ${calls.map((r) => r.status).join(', ')}, credential ${calls.at(-1).credential}`)
  console.log(`headers are logged redacted: authorization = ${calls.at(-1).headers.authorization}`)
  console.log('emulator faults example: done')
} finally {
  apala.dispose()
  await emu.close()
}
