// Child process for the crash test: writes token sets for one credential key in a tight loop until killed.
// argv: <dir> <credentialKey> <writerId>
import { createFileTokenStore } from '../store'

const [dir, credentialKey, writerId] = process.argv.slice(2) as [string, string, string]
const store = createFileTokenStore({ dir, lockTimeoutMs: 10_000 })
store.on('error', (error) => {
  process.stderr.write(`store error: ${error.code}\n`)
})

let seq = 0
for (;;) {
  seq++
  // Vary the size so a torn or truncated write could not pass as a complete file.
  const length = 64 + Math.floor(Math.random() * 4000)
  const accessToken = `at-${writerId}-${seq}-`.padEnd(length, 'x')
  await store.set(credentialKey, {
    accessToken,
    refreshToken: `rt-${writerId}-${seq}`,
    expiresAt: Date.now() + 3_600_000,
    meta: { issuedAt: Date.now(), length, writerId, seq },
  })
  if (seq === 1) process.stdout.write('ready\n')
}
