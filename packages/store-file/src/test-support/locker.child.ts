// Child process for the lock tests.
// argv: mutex <dir> <credentialKey> <markerFile> <label> <iterations> <holdMs>
//       (opens the store, prints "ready", starts when a line arrives on stdin)
//       hold  <dir> <credentialKey> [lockStaleMs]  (acquires the lock, prints "locked", holds it until killed)
import { appendFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { createFileTokenStore } from '../store'

const [mode, dir, credentialKey, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]]
const store = createFileTokenStore({ dir, lockTimeoutMs: 15_000, ...(mode === 'hold' && rest[0] ? { lockStaleMs: Number(rest[0]) } : {}) })

if (mode === 'hold') {
  await store.withLock(credentialKey, async () => {
    process.stdout.write('locked\n')
    await new Promise(() => setInterval(() => {}, 60_000)) // the lock's refresh timer is unref'd: stay alive
  })
} else {
  const [markerFile, label, iterations, holdMs] = rest as [string, string, string, string]
  await store.get(credentialKey) // open the store (key file) before the synchronised start
  process.stdout.write('ready\n')
  await new Promise((resolve) => process.stdin.once('data', resolve))
  process.stdin.pause()
  for (let i = 0; i < Number(iterations); i++) {
    await store.withLock(credentialKey, async () => {
      appendFileSync(markerFile, `enter ${label} ${i}\n`)
      await sleep(Number(holdMs))
      appendFileSync(markerFile, `exit ${label} ${i}\n`)
    })
    await sleep(5) // like a real caller: not straight back into the lock
  }
}
